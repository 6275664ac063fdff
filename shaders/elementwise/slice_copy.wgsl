// slice_copy — moves a block between a tensor and a slice of a larger one along one axis.
//   With the small tensor s viewed as [outer, A, inner] and the big one b as [outer, total, inner]:
//   TO_BIG 1 (cat):    b[o, start + a, i] = s[o, a, i]
//   TO_BIG 0 (narrow): s[o, a, i] = b[o, start + a, i]
// The two directions are each other's backward: cat's gradient is narrow, narrow's is cat into zeros.
// Layout: contiguous f32. One invocation per element of the small tensor; 2-D grid as in fill.wgsl.
// Bindings: p = { n, A, inner, total, start }; src in; dst out.

struct Params {
  n: u32,
  A: u32,
  inner: u32,
  total: u32,
  start: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;

override WG: u32 = 256;
override TO_BIG: u32 = 1;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * WG + lid;
  if (i >= p.n) { return; }
  let inner = i % p.inner;
  let a = (i / p.inner) % p.A;
  let o = i / (p.inner * p.A);
  let big = (o * p.total + p.start + a) * p.inner + inner;
  if (TO_BIG == 1u) { dst[big] = src[i]; } else { dst[i] = src[big]; }
}
