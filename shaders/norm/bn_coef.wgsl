// batchnorm, apply coefficients from given statistics (evaluation: the running statistics) —
//   coef[c] = (scale, shift, 0, 0),  scale = γ[c] / sqrt(var[c] + eps),  shift = β[c] − mean[c] · scale
// (in training bn_stats.wgsl writes the same coefficients from the batch statistics).
// Layout: mean, var, gamma, beta are [C]; coef is [≥ C] vec4. One invocation per channel.
// Bindings: p = { C, eps }; mean, var, gamma, beta in; coef out.

struct Params {
  C: u32,
  eps: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> mean: array<f32>;
@group(0) @binding(2) var<storage, read> var_: array<f32>;
@group(0) @binding(3) var<storage, read> gamma: array<f32>;
@group(0) @binding(4) var<storage, read> beta: array<f32>;
@group(0) @binding(5) var<storage, read_write> coef: array<vec4f>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let c = gid.x;
  if (c >= p.C) { return; }
  let scale = gamma[c] * inverseSqrt(var_[c] + p.eps);
  coef[c] = vec4f(scale, beta[c] - mean[c] * scale, 0.0, 0.0);
}
