// batchnorm, batch statistics and the apply coefficients — per channel c over the M = N·HW values x[n, c, s]:
//   mean[c] = Σ x / M,   var[c] = Σ (x − mean[c])² / M   (biased: what normalisation uses)
//   coef[c] = (scale, shift, 0, 0) with scale = γ[c] / sqrt(var[c] + eps), shift = β[c] − mean[c] · scale,
//   so that bn_apply.wgsl computes y = x · scale + shift with one multiply-add per element.
// Two passes over the channel (sum, then squared deviations) rather than Σx² − (Σx)²/M, which
// loses precision when the mean is large next to the spread.
// Layout: x is [N, C, HW] contiguous (NCHW with HW = H·W; [N, C] is HW = 1); mean, var, gamma,
// beta are [C]; coef is [≥ C] vec4.
// One workgroup computes one channel: WG invocations stride over its M values, then combine in
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

var<workgroup> partial: array<f32, WG>;

fn at(c: u32, j: u32) -> f32 {
  return x[((j / p.HW) * p.C + c) * p.HW + j % p.HW];
}

// Sums partial[] over the workgroup; every invocation gets the total.
fn workgroupSum(lid: u32, v: f32) -> f32 {
  partial[lid] = v;
  workgroupBarrier();
  for (var half = WG / 2u; half > 0u; half /= 2u) {
    if (lid < half) { partial[lid] += partial[lid + half]; }
    workgroupBarrier();
  }
  let total = partial[0];
  workgroupBarrier();
  return total;
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let c = wid.x;
  let M = p.N * p.HW;
  var s = 0.0;
  for (var j = lid; j < M; j += WG) { s += at(c, j); }
  let m = workgroupSum(lid, s) / f32(M);
  var d = 0.0;
  for (var j = lid; j < M; j += WG) { let e = at(c, j) - m; d += e * e; }
  let v = workgroupSum(lid, d) / f32(M);
  if (lid == 0u) {
    mean[c] = m;
    var_[c] = v;
    let scale = gamma[c] * inverseSqrt(v + p.eps);
    coef[c] = vec4f(scale, beta[c] - m * scale, 0.0, 0.0);
  }
}
