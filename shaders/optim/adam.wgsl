// Adam / AdamW / fastai's Adam, in place:
//   DECOUPLED 0 (Adam, L2):        g = g + wd · p
//   DECOUPLED 1 (AdamW, fastai):   p = p · (1 − lr · wd)
//   m = β1 · m + (1 − β1) · g;   v = β2 · v + (1 − β2) · g²
//   p = p − lr / bc1 · m / (sqrt(v / bc2) + eps),   bc1 = 1 − β1ᵗ, bc2 = 1 − β2ᵗ
// (sqrt(v / bc2) + eps is torch's sqrt(v)/sqrt(bc2) + eps and fastai's formula alike; a scheduled
// β1 — fastai's one-cycle momentum — enters through bc1 and the update of m, as in both.)
// Per-step values come from `hyper` (see sgd.wgsl for why not the uniform).
// Layout: param, grad, m, v are [n]; hyper = [lr, β1, β2, eps, weightDecay, bc1, bc2].
// One invocation per element; 2-D grid as in fill.wgsl.
// Bindings: p = { n }; grad, hyper in; param, m, v in/out.

struct Params {
  n: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> grad: array<f32>;
@group(0) @binding(2) var<storage, read> hyper: array<f32>;
@group(0) @binding(3) var<storage, read_write> param: array<f32>;
@group(0) @binding(4) var<storage, read_write> m: array<f32>;
@group(0) @binding(5) var<storage, read_write> v: array<f32>;

override WG: u32 = 256;
override DECOUPLED: u32 = 0;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * WG + lid;
  if (i >= p.n) { return; }
  let lr = hyper[0];
  let b1 = hyper[1];
  let b2 = hyper[2];
  let eps = hyper[3];
  let wd = hyper[4];
  var w = param[i];
  var g = grad[i];
  if (DECOUPLED == 1u) { w = w * (1.0 - lr * wd); } else { g = g + wd * w; }
  let mi = b1 * m[i] + (1.0 - b1) * g;
  let vi = b2 * v[i] + (1.0 - b2) * g * g;
  m[i] = mi;
  v[i] = vi;
  param[i] = w - lr / hyper[5] * mi / (sqrt(vi / hyper[6]) + eps);
}
