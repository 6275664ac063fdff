// batchnorm, apply (optionally fused with ReLU) —
//   y[n, c, s] = x[n, c, s] · scale[c] + shift[c]      then max(·, 0) if RELU = 1
// where (scale, shift) = coef[c].xy = (γ / sqrt(var + eps), β − mean · γ / sqrt(var + eps)), from
// bn_stats.wgsl (batch statistics) or bn_coef.wgsl (running statistics).
// Fusing the ReLU saves a full read and write of the activation. The per-channel coefficients sit
// in a uniform window: on lavapipe a storage read at a per-lane address is a branchy loop over the
// lanes, a uniform read a branchless gather, so each element costs one storage read and one write.
// Layout: x, y are [N, C, HW] contiguous; coef is a 64 KiB uniform window of [4096] vec4 (C ≤ 4096).
// One invocation computes one element. PLANES = 1: grid (ceil(HW / WG), N·C), one workgroup row per
// (n, c) plane, so the channel comes from the workgroup and no element needs a division (for planes
// of at least WG values); PLANES = 0: the 2-D grid of fill.wgsl over all n elements.
// Bindings: p = { n, C, HW }; x in; y out; coef (uniform window).

struct Params {
  n: u32,
  C: u32,
  HW: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<uniform> coef: array<vec4f, 4096>;

override WG: u32 = 256;
override RELU: u32 = 0;
override PLANES: u32 = 0;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  var i: u32;
  var c: u32;
  if (PLANES == 1u) {
    let s = wid.x * WG + lid;
    if (s >= p.HW) { return; }
    i = wid.y * p.HW + s;
    c = wid.y % p.C;
  } else {
    i = (wid.y * nwg.x + wid.x) * WG + lid;
    if (i >= p.n) { return; }
    c = (i / p.HW) % p.C;
  }
  let k = coef[c];
  let v = x[i] * k.x + k.y;
  y[i] = select(v, max(v, 0.0), RELU == 1u);
}
