// batchnorm, backward — gradient of the input. With g = dy (masked by y > 0 if RELU = 1),
// x̂ = (x − mean) · inv, inv = 1 / sqrt(var + eps), M = N·HW and the per-channel sums from
// bn_backward_reduce.wgsl (Σg = dbeta, Σg·x̂ = dgamma):
//   training (batch statistics):  dx = γ · inv · (g − Σg / M − x̂ · Σg·x̂ / M)
//   evaluation (running stats):   dx = γ · inv · g
// Layout: x, y, dy, dx are [N, C, HW]; mean, var, gamma, dbeta, dgamma are [C].
// One invocation computes one element; 2-D grid of workgroups as in fill.wgsl.
// Bindings: p = { n, C, HW, M, eps }; x, y, dy, mean, var, gamma, dbeta, dgamma in; dx out.

struct Params {
  n: u32,
  C: u32,
  HW: u32,
  M: f32,
  eps: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> y: array<f32>;
@group(0) @binding(3) var<storage, read> dy: array<f32>;
@group(0) @binding(4) var<storage, read> mean: array<f32>;
@group(0) @binding(5) var<storage, read> var_: array<f32>;
@group(0) @binding(6) var<storage, read> gamma: array<f32>;
@group(0) @binding(7) var<storage, read> dbeta: array<f32>;
@group(0) @binding(8) var<storage, read> dgamma: array<f32>;
@group(0) @binding(9) var<storage, read_write> dx: array<f32>;

override WG: u32 = 256;
override RELU: u32 = 0;
override TRAINING: u32 = 1;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * WG + lid;
  if (i >= p.n) { return; }
  let c = (i / p.HW) % p.C;
  var g = dy[i];
  if (RELU == 1u && y[i] <= 0.0) { g = 0.0; }
  let inv = inverseSqrt(var_[c] + p.eps);
  if (TRAINING == 1u) {
    let xhat = (x[i] - mean[c]) * inv;
    dx[i] = gamma[c] * inv * (g - dbeta[c] / p.M - xhat * dgamma[c] / p.M);
  } else {
    dx[i] = gamma[c] * inv * g;
  }
}
