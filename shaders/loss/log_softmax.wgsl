// log_softmax over rows — y[r, k] = x[r, k] − lse_r,   lse_r = m_r + log Σ_j exp(x[r, j] − m_r),
// m_r = max_j x[r, j]. Subtracting the row max first keeps exp() from overflowing.
// Layout: x, y are [rows, K] contiguous f32.
// One invocation handles one row (three passes over K: max, sum of exps, write).
// Bindings: p = { rows, K }; x in; y out.

struct Params {
  rows: u32,
  K: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

override WG: u32 = 64;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let r = gid.x;
  if (r >= p.rows) { return; }
  let base = r * p.K;
  var m = -0x1.fffffep+127f;
  for (var k = 0u; k < p.K; k++) { m = max(m, x[base + k]); }
  var s = 0.0;
  for (var k = 0u; k < p.K; k++) { s += exp(x[base + k] - m); }
  let lse = m + log(s);
  for (var k = 0u; k < p.K; k++) { y[base + k] = x[base + k] - lse; }
}
