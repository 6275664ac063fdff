// cross-entropy from logits, fused with log-softmax, with label smoothing and an ignored class —
// per row r of N, as torch's F.cross_entropy(x, t, ignore_index, label_smoothing = ε):
//   loss[r] = (1 − ε)·(lse_r − x[r, t_r]) + ε·(lse_r − mean_k x[r, k])
//           = lse_r − (1 − ε)·x[r, t_r] − ε·mean_k x[r, k],
//   lse_r = m_r + log Σ_k exp(x[r, k] − m_r),   m_r = max_k x[r, k]
//   (the smoothed target puts 1 − ε + ε/K on t_r and ε/K on every other class);
//   a row whose target is ignoreIndex: loss 0, valid 0; every other row: valid 1.
// The reduction is separate: sum, or sum / Σ valid for the mean (reduce_rows.wgsl). lse is saved
// for the backward. A target outside [0, K) that is not ignoreIndex gives loss NaN, so a bad label
// shows up instead of reading garbage.
// Layout: x is [N, K] contiguous f32; targets is [N] f32 holding class indices; loss, lse, valid are [N].
// One invocation handles one row (two passes over K).
// Bindings: p = { N, K, eps, ignoreIndex }; x, targets in; loss, lse, valid out.

struct Params {
  N: u32,
  K: u32,
  eps: f32,
  ignoreIndex: i32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> targets: array<f32>;
@group(0) @binding(3) var<storage, read_write> loss: array<f32>;
@group(0) @binding(4) var<storage, read_write> lse: array<f32>;
@group(0) @binding(5) var<storage, read_write> valid: array<f32>;

override WG: u32 = 64;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let r = gid.x;
  if (r >= p.N) { return; }
  let base = r * p.K;
  var m = -0x1.fffffep+127f;
  for (var k = 0u; k < p.K; k++) { m = max(m, x[base + k]); }
  var s = 0.0;
  var total = 0.0;
  for (var k = 0u; k < p.K; k++) {
    s += exp(x[base + k] - m);
    total += x[base + k];
  }
  let l = m + log(s);
  lse[r] = l;
  let t = targets[r];
  if (t == f32(p.ignoreIndex)) {
    loss[r] = 0.0;
    valid[r] = 0.0;
    return;
  }
  valid[r] = 1.0;
  let inRange = t >= 0.0 && t < f32(p.K) && t == floor(t);
  var nanBits = 0x7fc00000u;   // a var: WGSL rejects NaN in constant expressions
  let nan = bitcast<f32>(nanBits);
  let picked = x[base + min(u32(max(t, 0.0)), p.K - 1u)];
  loss[r] = select(nan, l - (1.0 - p.eps) * picked - p.eps * total / f32(p.K), inRange);
}
