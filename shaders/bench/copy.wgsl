// Copy bandwidth probe — y[i] = x[i] as vec4, so each invocation moves 16 bytes in and 16 out.
//   Bytes moved = 2 · 16 · n4. This is the floor for any elementwise pass over a tensor.
// Layout: x, y are [n4] vec4<f32>, contiguous. 2-D grid of workgroups as in fill.wgsl.
// Bindings: p = { n4 }; x in; y out.

struct Params {
  n4: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> y: array<vec4<f32>>;

override WG: u32 = 256;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * WG + lid;
  if (i >= p.n4) { return; }
  y[i] = x[i];
}
