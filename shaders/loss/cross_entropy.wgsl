// cross-entropy from logits, fused with log-softmax — per row r of N:
//   loss[r] = lse_r − x[r, t_r],   lse_r = m_r + log Σ_k exp(x[r, k] − m_r),   m_r = max_k x[r, k]
// The mean over rows is a separate reduction (reduce_rows.wgsl). lse is saved for the backward.
// A target outside [0, K) gives loss NaN, so a bad label shows up instead of reading garbage.
// Layout: x is [N, K] contiguous f32; targets is [N] f32 holding class indices; loss, lse are [N].
// One invocation handles one row (two passes over K).
// Bindings: p = { N, K }; x, targets in; loss, lse out.

struct Params {
  N: u32,
  K: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> targets: array<f32>;
@group(0) @binding(3) var<storage, read_write> loss: array<f32>;
@group(0) @binding(4) var<storage, read_write> lse: array<f32>;

override WG: u32 = 64;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let r = gid.x;
  if (r >= p.N) { return; }
  let base = r * p.K;
  var m = -0x1.fffffep+127f;
  for (var k = 0u; k < p.K; k++) { m = max(m, x[base + k]); }
  var s = 0.0;
  for (var k = 0u; k < p.K; k++) { s += exp(x[base + k] - m); }
  let l = m + log(s);
  lse[r] = l;
  let t = targets[r];
  let valid = t >= 0.0 && t < f32(p.K) && t == floor(t);
  var nanBits = 0x7fc00000u;   // a var: WGSL rejects NaN in constant expressions
  let nan = bitcast<f32>(nanBits);
  loss[r] = select(nan, l - x[base + min(u32(max(t, 0.0)), p.K - 1u)], valid);
}
