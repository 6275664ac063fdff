// scale_shift — y[i] = x[i] · scale + shift
// The scalar ops (x + s, x − s, x · s, x / s, s − x) are all this one kernel.
// Layout: x and y contiguous f32, same shape, read flat (n elements).
// One invocation computes one element; 2-D grid of workgroups as in fill.wgsl.
// Bindings: p = { n, scale, shift }; x in; y out.

struct Params {
  n: u32,
  scale: f32,
  shift: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

override WG: u32 = 256;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * WG + lid;
  if (i >= p.n) { return; }
  y[i] = x[i] * p.scale + p.shift;
}
