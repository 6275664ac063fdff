// strided_copy — y[i] = x[Σ_d coord_d(i) · xStrides[d]]
// Makes a contiguous copy of a strided view of x: transpose/permute (permuted strides), expand
// (stride 0 along broadcast dims), clone (contiguous strides).
// Layout: y contiguous with shape p.shape (rank ≤ 8); x read through p.xStrides.
// One invocation computes one y element; 2-D grid of workgroups as in fill.wgsl.
// Bindings: p = { n, rank, shape, xStrides }; x in; y out.

struct Params {
  n: u32,
  rank: u32,
  shape: array<vec4<u32>, 2>,
  xStrides: array<vec4<u32>, 2>,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

override WG: u32 = 256;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * WG + lid;
  if (i >= p.n) { return; }
  var ix = 0u;
  var rest = i;
  for (var d = i32(p.rank) - 1; d >= 0; d--) {
    let k = u32(d);
    let extent = p.shape[k / 4u][k % 4u];
    ix += (rest % extent) * p.xStrides[k / 4u][k % 4u];
    rest = rest / extent;
  }
  y[i] = x[ix];
}
