// matmul, batched — version 2: tiled (the product)
//   C[b, m, n] = Σ_k A[b, m, k] · B[b, k, n]          (same contract as matmul_naive.wgsl)
// Layout: f32, contiguous. A is stored [batch, M, K], or [batch, K, M] when TRANS_A = 1;
// B is stored [batch, K, N], or [batch, N, K] when TRANS_B = 1; C is [batch, M, N].
// A batch stride of 0 broadcasts one matrix over the batch.
//
// What changed from version 1, and why it is faster:
//  - Workgroup-memory tiles: a workgroup of 16×16 invocations computes a 64×64 tile of C. Per step
//    of BK = 16 along k it copies a 64×16 slice of A and a 16×64 slice of B into workgroup memory
//    (each element loaded from global memory once per workgroup instead of once per output).
//  - Register blocking: each invocation accumulates a 4×4 block of C in four vec4 registers, so
//    each value read from workgroup memory feeds 4 multiply-adds instead of 1.
//  - vec4: one vec4 read of As gives the invocation's 4 A values, one of Bs its 4 B values; the
//    update is 4 vec4 FMAs.
//  - Invocation (tx, ty) owns rows ty + 16i and columns tx + 16j (i, j < 4), strided rather than
//    adjacent, so neighbouring invocations touch neighbouring words (no bank conflicts on a GPU;
//    contiguous vector loads across SIMD lanes on a CPU driver such as lavapipe).
//  - Tile loads walk the operand's contiguous axis whatever TRANS_A / TRANS_B say.
// Bindings: p = { M, N, K, aBatchStride, bBatchStride }; a, b in; c out.

struct Params {
  M: u32,
  N: u32,
  K: u32,
  aBatchStride: u32,
  bBatchStride: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;

override TRANS_A: u32 = 0;
override TRANS_B: u32 = 0;

const T = 16u;        // invocations per side of the workgroup
const TILE = 64u;     // C tile per side = T · 4
const BK = 16u;       // k-depth of one slice
const LOADS = 4u;     // elements each invocation copies per operand per slice = TILE·BK / T²

// As[kk·T + ty][i] = A[row0 + ty + T·i, k0 + kk];  Bs[kk·T + tx][j] = B[k0 + kk, col0 + tx + T·j]
var<workgroup> As: array<vec4<f32>, 256>;   // BK · T
var<workgroup> Bs: array<vec4<f32>, 256>;

@compute @workgroup_size(16, 16, 1)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let tx = lid.x;
  let ty = lid.y;
  let t = ty * T + tx;
  let row0 = wid.y * TILE;
  let col0 = wid.x * TILE;
  let aBase = wid.z * p.aBatchStride;
  let bBase = wid.z * p.bBatchStride;

  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);

  for (var k0 = 0u; k0 < p.K; k0 += BK) {
    // Copy the A and B slices into workgroup memory (zeros past the matrix edges).
    for (var l = 0u; l < LOADS; l++) {
      let e = t + l * T * T;
      var r: u32;
      var kk: u32;
      var av = 0.0;
      if (TRANS_A == 1u) {
        kk = e / TILE; r = e % TILE;
        if (row0 + r < p.M && k0 + kk < p.K) { av = a[aBase + (k0 + kk) * p.M + row0 + r]; }
      } else {
        r = e / BK; kk = e % BK;
        if (row0 + r < p.M && k0 + kk < p.K) { av = a[aBase + (row0 + r) * p.K + k0 + kk]; }
      }
      As[kk * T + r % T][r / T] = av;

      var cc: u32;
      var bv = 0.0;
      if (TRANS_B == 1u) {
        cc = e / BK; kk = e % BK;
        if (col0 + cc < p.N && k0 + kk < p.K) { bv = b[bBase + (col0 + cc) * p.K + k0 + kk]; }
      } else {
        kk = e / TILE; cc = e % TILE;
        if (col0 + cc < p.N && k0 + kk < p.K) { bv = b[bBase + (k0 + kk) * p.N + col0 + cc]; }
      }
      Bs[kk * T + cc % T][cc / T] = bv;
    }
    workgroupBarrier();

    for (var kk = 0u; kk < BK; kk++) {
      let av = As[kk * T + ty];
      let bv = Bs[kk * T + tx];
      acc0 = fma(vec4<f32>(av.x), bv, acc0);
      acc1 = fma(vec4<f32>(av.y), bv, acc1);
      acc2 = fma(vec4<f32>(av.z), bv, acc2);
      acc3 = fma(vec4<f32>(av.w), bv, acc3);
    }
    workgroupBarrier();
  }

  let cBase = wid.z * p.M * p.N;
  let accs = array<vec4<f32>, 4>(acc0, acc1, acc2, acc3);
  for (var i = 0u; i < 4u; i++) {
    let row = row0 + ty + T * i;
    if (row >= p.M) { break; }
    for (var j = 0u; j < 4u; j++) {
      let col = col0 + tx + T * j;
      if (col < p.N) { c[cBase + row * p.N + col] = accs[i][j]; }
    }
  }
}
