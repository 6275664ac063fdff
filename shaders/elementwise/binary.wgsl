// binary, broadcasting — y = a ∘ b, with ∘ chosen by the override OP:
//   OP 0: a + b    OP 1: a − b    OP 2: a · b    OP 3: a / b    OP 4: (a == b) ? 1 : 0
//   OP 5: max(a + b, 0) — a residual add fused with its ReLU (one pass over memory instead of two)
// Layout: y is contiguous with shape p.shape (rank ≤ 8, dims collapsed by the caller where every
// operand is contiguous). a and b are read through strides into that shape: a broadcast dim has
// stride 0. With rank 1 (the common same-shape case) there is no div/mod per element at all.
// One invocation computes one y element; 2-D grid of workgroups as in fill.wgsl.
// Bindings: p = { n, rank, shape, aStrides, bStrides }; a, b in; y out.

struct Params {
  n: u32,
  rank: u32,
  shape: array<vec4<u32>, 2>,
  aStrides: array<vec4<u32>, 2>,
  bStrides: array<vec4<u32>, 2>,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;

override WG: u32 = 256;
override OP: u32 = 0;

fn apply(u: f32, v: f32) -> f32 {
  switch OP {
    case 0u: { return u + v; }
    case 1u: { return u - v; }
    case 2u: { return u * v; }
    case 3u: { return u / v; }
    case 4u: { return select(0.0, 1.0, u == v); }
    default: { return max(u + v, 0.0); }
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * WG + lid;
  if (i >= p.n) { return; }
  var ia = 0u;
  var ib = 0u;
  if (p.rank == 1u) {
    ia = i * p.aStrides[0].x;
    ib = i * p.bStrides[0].x;
  } else {
    var rest = i;
    for (var d = i32(p.rank) - 1; d >= 0; d--) {
      let k = u32(d);
      let extent = p.shape[k / 4u][k % 4u];
      let coord = rest % extent;
      rest = rest / extent;
      ia += coord * p.aStrides[k / 4u][k % 4u];
      ib += coord * p.bStrides[k / 4u][k % 4u];
    }
  }
  y[i] = apply(a[ia], b[ib]);
}
