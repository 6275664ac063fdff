// batchnorm, apply (optionally fused with ReLU) —
//   y[n, c, s] = (x[n, c, s] − mean[c]) · γ[c] / sqrt(var[c] + eps) + β[c]      then max(·, 0) if RELU = 1
// mean/var are the batch statistics in training and the running statistics in evaluation.
// Fusing the ReLU saves a full read and write of the activation: on a CPU adapter an elementwise
// pass is bound by memory bandwidth, so this halves the cost of BN + ReLU.
// Layout: x, y are [N, C, HW] contiguous; mean, var, gamma, beta are [C].
// One invocation computes one element; 2-D grid of workgroups as in fill.wgsl.
// Bindings: p = { n, C, HW, eps }; x, mean, var, gamma, beta in; y out.

struct Params {
  n: u32,
  C: u32,
  HW: u32,
  eps: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> mean: array<f32>;
@group(0) @binding(3) var<storage, read> var_: array<f32>;
@group(0) @binding(4) var<storage, read> gamma: array<f32>;
@group(0) @binding(5) var<storage, read> beta: array<f32>;
@group(0) @binding(6) var<storage, read_write> y: array<f32>;

override WG: u32 = 256;
override RELU: u32 = 0;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * WG + lid;
  if (i >= p.n) { return; }
  let c = (i / p.HW) % p.C;
  let v = (x[i] - mean[c]) * gamma[c] * inverseSqrt(var_[c] + p.eps) + beta[c];
  y[i] = select(v, max(v, 0.0), RELU == 1u);
}
