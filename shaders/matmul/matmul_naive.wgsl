// matmul, batched — version 1: naive (the specification)
//   C[b, m, n] = Σ_k A[b, m, k] · B[b, k, n]
// Layout: f32, contiguous. A is stored [batch, M, K], or [batch, K, M] when TRANS_A = 1;
// B is stored [batch, K, N], or [batch, N, K] when TRANS_B = 1; C is [batch, M, N].
// A batch stride of 0 broadcasts one matrix over the batch (x @ W for a batch of x).
// One invocation computes one C element with a plain loop over k; no workgroup memory.
// Every faster version (matmul_tiled.wgsl) is tested against this one.
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

@compute @workgroup_size(8, 8, 1)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let n = gid.x;
  let m = gid.y;
  let batch = gid.z;
  if (m >= p.M || n >= p.N) { return; }
  let a0 = batch * p.aBatchStride;
  let b0 = batch * p.bBatchStride;
  var acc = 0.0;
  for (var k = 0u; k < p.K; k++) {
    var av: f32;
    var bv: f32;
    if (TRANS_A == 1u) { av = a[a0 + k * p.M + m]; } else { av = a[a0 + m * p.K + k]; }
    if (TRANS_B == 1u) { bv = b[b0 + n * p.K + k]; } else { bv = b[b0 + k * p.N + n]; }
    acc += av * bv;
  }
  c[batch * p.M * p.N + m * p.N + n] = acc;
}
