// log_softmax over rows, backward — dx[r, k] = dy[r, k] − exp(y[r, k]) · Σ_j dy[r, j]
// (y = log_softmax(x) is saved by the forward, so exp(y) is the softmax.)
// Layout: y, dy, dx are [rows, K] contiguous f32.
// One invocation handles one row (two passes over K).
// Bindings: p = { rows, K }; y, dy in; dx out.

struct Params {
  rows: u32,
  K: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> y: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;

override WG: u32 = 64;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let r = gid.x;
  if (r >= p.rows) { return; }
  let base = r * p.K;
  var s = 0.0;
  for (var k = 0u; k < p.K; k++) { s += dy[base + k]; }
  for (var k = 0u; k < p.K; k++) { dx[base + k] = dy[base + k] - exp(y[base + k]) * s; }
}
