// matmul, batched — version 3: row-blocked for CPU drivers (lavapipe/llvmpipe, SwiftShader)
//   C[b, m, n] = Σ_k A[b, m, k] · B[b, k, n]          (same contract as matmul_naive.wgsl)
// Layout: f32, contiguous; A is [batch, M, K] or [batch, K, M] when TRANS_A = 1; B is [batch, K, N]
// read as vec4 along n (the caller guarantees N % 4 == 0 and bBatchStride % 4 == 0, and makes B
// contiguous in that layout first if it was to be read transposed); C is [batch, M, N] as vec4.
//
// Why a third version: a CPU driver runs each invocation as one lane of a SIMD register, and a
// load whose address differs per lane becomes a scalar loop over the lanes (with a bounds check
// per element), while a load whose address is the same for every lane is one scalar load and a
// broadcast. Workgroup memory does not help there (same per-lane loop, plus barriers that switch
// coroutines). So this version:
//  - gives each workgroup exactly 8 invocations (one SIMD register on an AVX2 llvmpipe), all
//    working on the same RM = 8 rows of A: the A addresses depend only on workgroup_id and k, so
//    the driver sees them as uniform;
//  - gives each invocation 4 adjacent columns, read with one vec4 load of B per k (one per-lane
//    loop moves 4 values), and keeps an 8×4 block of C in eight vec4 registers: each B value
//    feeds 8 multiply-adds, each A value 4 per lane.
//  - clamps row and column indices for the loads (no branch in the loop) and masks the stores.
// Measured on lavapipe (2 cores): ~2.3× the tiled version and ~2.4× TF.js's WebGPU matmul at 1024³
// (bench/), about 20 % of the adapter's FMA peak: the per-lane B loads, not the FMAs, are the limit.
// On a GPU, use matmul_tiled.wgsl: 8-invocation workgroups waste most of a GPU.
// One workgroup computes an 8 × 32 tile of C. Grid: (ceil(N/32), ceil(M/8), batch).
// Bindings: p = { M, N, K, aBatchStride, bBatchStride }; a in; b in (vec4); c out (vec4).

struct Params {
  M: u32,
  N: u32,
  K: u32,
  aBatchStride: u32,
  bBatchStride: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> c: array<vec4<f32>>;

override TRANS_A: u32 = 0;

const RM = 8u;

@compute @workgroup_size(8, 1, 1)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let nv = p.N / 4u;                       // C and B rows, in vec4s
  let col = wid.x * 8u + lid.x;            // this invocation's vec4 column
  let colLoad = min(col, nv - 1u);         // clamped for loads; the store is masked
  let row0 = wid.y * RM;
  let aBase = wid.z * p.aBatchStride;
  let bBase = wid.z * (p.bBatchStride / 4u);
  // A[m, k] sits at aBase + m·sM + k·sK, uniform across the workgroup (m and k are).
  let sM = select(p.K, 1u, TRANS_A == 1u);
  let sK = select(1u, p.M, TRANS_A == 1u);
  // Rows past M read row M − 1 (uniform clamp) and are not stored.
  let r0 = min(row0 + 0u, p.M - 1u); let r1 = min(row0 + 1u, p.M - 1u);
  let r2 = min(row0 + 2u, p.M - 1u); let r3 = min(row0 + 3u, p.M - 1u);
  let r4 = min(row0 + 4u, p.M - 1u); let r5 = min(row0 + 5u, p.M - 1u);
  let r6 = min(row0 + 6u, p.M - 1u); let r7 = min(row0 + 7u, p.M - 1u);

  var c0 = vec4<f32>(0.0); var c1 = vec4<f32>(0.0); var c2 = vec4<f32>(0.0); var c3 = vec4<f32>(0.0);
  var c4 = vec4<f32>(0.0); var c5 = vec4<f32>(0.0); var c6 = vec4<f32>(0.0); var c7 = vec4<f32>(0.0);
  for (var k = 0u; k < p.K; k++) {
    let bv = b[bBase + k * nv + colLoad];
    c0 = fma(vec4<f32>(a[aBase + r0 * sM + k * sK]), bv, c0);
    c1 = fma(vec4<f32>(a[aBase + r1 * sM + k * sK]), bv, c1);
    c2 = fma(vec4<f32>(a[aBase + r2 * sM + k * sK]), bv, c2);
    c3 = fma(vec4<f32>(a[aBase + r3 * sM + k * sK]), bv, c3);
    c4 = fma(vec4<f32>(a[aBase + r4 * sM + k * sK]), bv, c4);
    c5 = fma(vec4<f32>(a[aBase + r5 * sM + k * sK]), bv, c5);
    c6 = fma(vec4<f32>(a[aBase + r6 * sM + k * sK]), bv, c6);
    c7 = fma(vec4<f32>(a[aBase + r7 * sM + k * sK]), bv, c7);
  }

  if (col >= nv) { return; }
  let cBase = wid.z * p.M * nv + col;
  let acc = array<vec4<f32>, 8>(c0, c1, c2, c3, c4, c5, c6, c7);
  for (var i = 0u; i < RM; i++) {
    if (row0 + i < p.M) { c[cBase + (row0 + i) * nv] = acc[i]; }
  }
}
