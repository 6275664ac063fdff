// augment — fastai's batch transforms in one pass: a projective resample (flip, rotation, zoom and
// warp composed into one 3×3 matrix per image, so each pixel is interpolated once), then lighting
// in logit space, then normalisation:
//   (u, v, w)ᵀ = M[n] · (x̂, ŷ, 1)ᵀ,   x̂ = −1 + 2·x/(OW − 1),  ŷ = −1 + 2·y/(OH − 1)   (align_corners)
//   s = bilinear(src[n, c], (u/w + 1)·(W − 1)/2, (v/w + 1)·(H − 1)/2), reflected at the borders
//   l = s / 255;  if lit: l = sigmoid((logit(l) + brightness[n]) · contrast[n])
//   out[n, c, y, x] = (l − mean[c]) / std[c]
// Layouts: src [N, C, H, W] (raw 0–255 values as f32), out [N, C, OH, OW],
//   tfm [N, 12]: M row-major (9 values), lit (0 or 1), brightness (a logit offset), contrast.
// One invocation per output pixel (all C channels share its coordinates); 2-D grid as fill.wgsl.
// Bindings: p = { N, C, H, W, OH, OW, mean, stdev }; src, tfm in; out out.

struct Params {
  N: u32,
  C: u32,
  H: u32,
  W: u32,
  OH: u32,
  OW: u32,
  mean: vec4f,
  stdev: vec4f,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read> tfm: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

override WG: u32 = 256;

// i mirrored into [0, n − 1] about the edge pixels' centres (grid_sample's reflection, align_corners).
fn reflect(i: f32, n: u32) -> f32 {
  if (n == 1u) { return 0.0; }
  let period = 2.0 * f32(n - 1u);
  let m = abs(i) % period;
  return select(m, period - m, m > f32(n - 1u));
}

// x̂ for pixel i of n (0 when n = 1).
fn toUnit(i: u32, n: u32) -> f32 {
  if (n == 1u) { return 0.0; }
  return -1.0 + 2.0 * f32(i) / f32(n - 1u);
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * WG + lid;
  if (i >= p.N * p.OH * p.OW) { return; }
  let x = i % p.OW;
  let y = (i / p.OW) % p.OH;
  let n = i / (p.OW * p.OH);
  let t = n * 12u;
  let xh = toUnit(x, p.OW);
  let yh = toUnit(y, p.OH);
  let u = tfm[t] * xh + tfm[t + 1u] * yh + tfm[t + 2u];
  let v = tfm[t + 3u] * xh + tfm[t + 4u] * yh + tfm[t + 5u];
  let w = tfm[t + 6u] * xh + tfm[t + 7u] * yh + tfm[t + 8u];
  let sx = reflect((u / w + 1.0) * 0.5 * f32(p.W - 1u), p.W);
  let sy = reflect((v / w + 1.0) * 0.5 * f32(p.H - 1u), p.H);
  let x0 = u32(floor(sx));
  let y0 = u32(floor(sy));
  let x1 = min(x0 + 1u, p.W - 1u);
  let y1 = min(y0 + 1u, p.H - 1u);
  let fx = sx - f32(x0);
  let fy = sy - f32(y0);
  let lit = tfm[t + 9u] != 0.0;
  for (var c = 0u; c < p.C; c++) {
    let plane = (n * p.C + c) * p.H * p.W;
    let top = mix(src[plane + y0 * p.W + x0], src[plane + y0 * p.W + x1], fx);
    let bottom = mix(src[plane + y1 * p.W + x0], src[plane + y1 * p.W + x1], fx);
    var l = mix(top, bottom, fy) / 255.0;
    if (lit) {
      let q = clamp(l, 1e-7, 1.0 - 1e-7);
      let z = (log(q / (1.0 - q)) + tfm[t + 10u]) * tfm[t + 11u];
      l = 1.0 / (1.0 + exp(-z));
    }
    out[((n * p.C + c) * p.OH + y) * p.OW + x] = (l - p.mean[c]) / p.stdev[c];
  }
}
