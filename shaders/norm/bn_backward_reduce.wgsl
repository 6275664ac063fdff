// batchnorm, backward — the per-channel sums (they are also dβ and dγ) and the input-gradient coefficients:
//   dbeta[c]  = Σ_{n,s} g[n, c, s]
//   dgamma[c] = Σ_{n,s} g[n, c, s] · x̂[n, c, s],    x̂ = (x − mean[c]) · inv,  inv = 1 / sqrt(var[c] + eps)
//   where g = dy, or dy masked by y > 0 when the forward was fused with ReLU (RELU = 1);
//   dcoef[c] = (A, B, D, 0) such that bn_backward_dx.wgsl computes dx = A · g + B · x + D:
//     training (batch statistics):  dx = γ·inv·(g − Σg/M − x̂·Σg·x̂/M)
//                                   A = γ·inv,  B = −γ·inv²·Σg·x̂/M,  D = −γ·inv·Σg/M − B·mean
//     evaluation (running stats):   dx = γ·inv·g,  A = γ·inv, B = D = 0
// Layout: x, y, dy are [N, C, HW]; mean, var, gamma, dbeta, dgamma are [C]; dcoef is [≥ C] vec4.
// One workgroup per channel (as bn_stats.wgsl, plane by plane when a plane has at least WG values).
// Bindings: p = { N, C, HW, eps }; x, y, dy, mean, var, gamma in; dbeta, dgamma, dcoef out.

struct Params {
  N: u32,
  C: u32,
  HW: u32,
  eps: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> y: array<f32>;
@group(0) @binding(3) var<storage, read> dy: array<f32>;
@group(0) @binding(4) var<storage, read> mean: array<f32>;
@group(0) @binding(5) var<storage, read> var_: array<f32>;
@group(0) @binding(6) var<storage, read> gamma: array<f32>;
@group(0) @binding(7) var<storage, read_write> dbeta: array<f32>;
@group(0) @binding(8) var<storage, read_write> dgamma: array<f32>;
@group(0) @binding(9) var<storage, read_write> dcoef: array<vec4f>;

override WG: u32 = 64;
override RELU: u32 = 0;
override TRAINING: u32 = 1;

var<workgroup> sumG: array<f32, WG>;
var<workgroup> sumGX: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let c = wid.x;
  let M = p.N * p.HW;
  let m = mean[c];
  let inv = inverseSqrt(var_[c] + p.eps);
  var sg = 0.0;
  var sgx = 0.0;
  if (p.HW >= WG) {
    // Plane by plane: no division per element.
    for (var img = 0u; img < p.N; img++) {
      let base = (img * p.C + c) * p.HW;
      for (var s = lid; s < p.HW; s += WG) {
        let i = base + s;
        var g = dy[i];
        if (RELU == 1u && y[i] <= 0.0) { g = 0.0; }
        sg += g;
        sgx += g * (x[i] - m);
      }
    }
  } else {
    for (var j = lid; j < M; j += WG) {
      let i = ((j / p.HW) * p.C + c) * p.HW + j % p.HW;
      var g = dy[i];
      if (RELU == 1u && y[i] <= 0.0) { g = 0.0; }
      sg += g;
      sgx += g * (x[i] - m);
    }
  }
  sgx *= inv;
  sumG[lid] = sg;
  sumGX[lid] = sgx;
  // One barrier, then one invocation adds the partial sums (see bn_stats.wgsl for why not a tree).
  workgroupBarrier();
  if (lid == 0u) {
    var g = 0.0;
    var gx = 0.0;
    for (var j = 0u; j < WG; j++) {
      g += sumG[j];
      gx += sumGX[j];
    }
    dbeta[c] = g;
    dgamma[c] = gx;
    let a = gamma[c] * inv;
    if (TRAINING == 1u) {
      let b = -a * inv * gx / f32(M);
      dcoef[c] = vec4f(a, b, -a * g / f32(M) - b * m, 0.0);
    } else {
      dcoef[c] = vec4f(a, 0.0, 0.0, 0.0);
    }
  }
}
