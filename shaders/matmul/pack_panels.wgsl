// matmul — packing B into uniform panels for matmul_panel_w*.wgsl (CPU adapters)
//   panels[z, pn, q, r, c] = B[z, q·256 + r, pn·64 + c]   (0 where the row is past K or the column past N)
// Layout: B is read through strides, so a transposed or batched B needs no copy first:
//   B[z, k, n] = b[bOffset + z·bBatchStride + k·bRowStride + n·bColStride].
// panels is [batches][P = ceil(N/64)][Q chunks][256][64] f32: each [256][64] chunk is exactly
// 64 KiB, the size of one var<uniform> binding, so chunk (z, pn, q) binds at byte offset
// ((z·P + pn)·Q + q)·65536. Q = ceil(K / 256) rounded up to a whole number of dispatches.
// Why pack at all: lavapipe reads a uniform buffer at a per-lane offset with a branchless gather;
// the same read from storage is a branchy loop over the lanes (docs/convolution.md, rung 4).
// Weights change every step, so this runs every step, on the GPU, and shows in the profile.
// One invocation writes one vec4 (4 columns of one row); neighbouring invocations take
// neighbouring rows. Grid: (16, Q, batches·P): x = blocks of 16 rows of a chunk, y = the chunk,
// z = the panel (z·P + pn).
// Bindings: p = shapes and strides; b in; panels out.

struct Params {
  K: u32,
  N: u32,
  bOffset: u32,
  bBatchStride: u32,
  bRowStride: u32,
  bColStride: u32,
  P: u32,
  Q: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> panels: array<vec4f>;

fn at(z: u32, k: u32, n: u32) -> f32 {
  if (k >= p.K || n >= p.N) { return 0.0; }
  return b[p.bOffset + z * p.bBatchStride + k * p.bRowStride + n * p.bColStride];
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let r = wid.x * 16u + lid % 16u;
  let c4 = lid / 16u;
  let q = wid.y;
  let pn = wid.z % p.P;
  let z = wid.z / p.P;
  let k = q * 256u + r;
  let n = pn * 64u + 4u * c4;
  panels[((wid.z * p.Q + q) * 256u + r) * 16u + c4] = vec4f(at(z, k, n), at(z, k, n + 1u), at(z, k, n + 2u), at(z, k, n + 3u));
}
