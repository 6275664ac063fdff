// fill — y[i] = value
// Layout: y is any contiguous f32 tensor, read as a flat array of n elements.
// One invocation writes one element. Workgroups form a 2-D grid (x fastest) so that n may exceed
// 65535 · WG; the flat index is (wid.y · nwg.x + wid.x) · WG + lid.
// Used for zeros/ones/full, and with value = NaN to poison fresh outputs in debug mode.
// Bindings: p = { n, value }; y out.

struct Params {
  n: u32,
  value: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;

override WG: u32 = 256;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * WG + lid;
  if (i >= p.n) { return; }
  y[i] = p.value;
}
