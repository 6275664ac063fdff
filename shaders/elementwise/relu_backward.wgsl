// relu, backward — dx[i] = dy[i] if y[i] > 0 else 0
// (y = relu(x) is saved by the forward; y > 0 exactly where x > 0, and PyTorch gives 0 at x = 0.)
// Layout: y, dy, dx contiguous f32, same shape, read flat (n elements).
// One invocation computes one element; 2-D grid of workgroups as in fill.wgsl.
// Bindings: p = { n }; y, dy in; dx out.

struct Params {
  n: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> y: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;

override WG: u32 = 256;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * WG + lid;
  if (i >= p.n) { return; }
  dx[i] = select(0.0, dy[i], y[i] > 0.0);
}
