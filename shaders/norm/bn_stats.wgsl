// batchnorm, batch statistics and the apply coefficients — per channel c over the M = N·HW values x[n, c, s]:
//   mean[c] = Σ x / M,   var[c] = Σ (x − mean[c])² / M   (biased: what normalisation uses)
//   coef[c] = (scale, shift, 0, 0) with scale = γ[c] / sqrt(var[c] + eps), shift = β[c] − mean[c] · scale,
//   so that bn_apply.wgsl computes y = x · scale + shift with one multiply-add per element.
// One pass of Welford's update per invocation, merged with Chan's formula, rather than
// Σx² − (Σx)²/M, which loses precision when the mean is large next to the spread (and rather than
// two passes, which read x twice).
// Layout: x is [N, C, HW] contiguous (NCHW with HW = H·W; [N, C] is HW = 1); mean, var, gamma,
// beta are [C]; coef is [≥ C] vec4.
// One workgroup computes one channel: WG invocations stride over its M values (plane by plane
// when a plane has at least WG values, so no element needs a division), then combine in
// workgroup memory.
// Bindings: p = { N, C, HW, eps }; x, gamma, beta in; mean, var, coef out.

struct Params {
  N: u32,
  C: u32,
  HW: u32,
  eps: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> gamma: array<f32>;
@group(0) @binding(3) var<storage, read> beta: array<f32>;
@group(0) @binding(4) var<storage, read_write> mean: array<f32>;
@group(0) @binding(5) var<storage, read_write> var_: array<f32>;
@group(0) @binding(6) var<storage, read_write> coef: array<vec4f>;

override WG: u32 = 64;

// Per invocation: a running count, mean and sum of squared deviations (Welford), merged with Chan's
// formula: one pass over x, as stable as two.
var<workgroup> counts: array<f32, WG>;
var<workgroup> means: array<f32, WG>;
var<workgroup> m2s: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let c = wid.x;
  var n = 0.0;
  var m = 0.0;
  var m2 = 0.0;
  if (p.HW >= WG) {
    // Walk each image's plane of channel c: no division per element.
    for (var img = 0u; img < p.N; img++) {
      let base = (img * p.C + c) * p.HW;
      for (var s = lid; s < p.HW; s += WG) {
        let v = x[base + s];
        n += 1.0;
        let d = v - m;
        m += d / n;
        m2 += d * (v - m);
      }
    }
  } else {
    // Small planes: stride over all N·HW values so every invocation has work.
    for (var j = lid; j < p.N * p.HW; j += WG) {
      let v = x[((j / p.HW) * p.C + c) * p.HW + j % p.HW];
      n += 1.0;
      let d = v - m;
      m += d / n;
      m2 += d * (v - m);
    }
  }
  counts[lid] = n;
  means[lid] = m;
  m2s[lid] = m2;
  // One barrier, then one invocation merges the WG partial results in order: on a CPU driver each
  // barrier switches every coroutine of the workgroup, so a log-depth tree of barriers costs more
  // than WG serial merges.
  workgroupBarrier();
  if (lid == 0u) {
    var na = counts[0];
    var ma = means[0];
    var qa = m2s[0];
    for (var j = 1u; j < WG; j++) {
      let nb = counts[j];
      if (nb > 0.0) {
        let nab = na + nb;
        let d = means[j] - ma;
        ma += d * nb / nab;
        qa += m2s[j] + d * d * na * nb / nab;
        na = nab;
      }
    }
    let v = qa / na;
    mean[c] = ma;
    var_[c] = v;
    let scale = gamma[c] * inverseSqrt(v + p.eps);
    coef[c] = vec4f(scale, beta[c] - ma * scale, 0.0, 0.0);
  }
}
