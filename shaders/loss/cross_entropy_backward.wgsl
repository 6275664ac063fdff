// cross-entropy from logits, backward (with label smoothing ε and an ignored class, as the forward):
//   dx[r, k] = g_r · (softmax(x)[r, k] − (1 − ε)·[k == t_r] − ε/K),   softmax(x)[r, k] = exp(x[r, k] − lse_r)
//   dx[r, ·] = 0 for a row whose target is ignoreIndex;
//   g_r = dy[0] for a summed loss (the caller divides dy by Σ valid first for a mean), or dy[r]
//   for per-row losses (PER_ROW = 1).
// dy stays on the GPU: no readback between the loss and its backward.
// Layout: x, dx are [N, K]; targets, lse are [N]; dy is [1] or [N]; all contiguous f32.
// One invocation computes one dx element; 2-D grid of workgroups as in fill.wgsl.
// Bindings: p = { N, K, eps, ignoreIndex }; x, targets, lse, dy in; dx out.

struct Params {
  N: u32,
  K: u32,
  eps: f32,
  ignoreIndex: i32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> targets: array<f32>;
@group(0) @binding(3) var<storage, read> lse: array<f32>;
@group(0) @binding(4) var<storage, read> dy: array<f32>;
@group(0) @binding(5) var<storage, read_write> dx: array<f32>;

override WG: u32 = 256;
override PER_ROW: u32 = 0;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * WG + lid;
  if (i >= p.N * p.K) { return; }
  let r = i / p.K;
  let k = i % p.K;
  let t = targets[r];
  if (t == f32(p.ignoreIndex)) {
    dx[i] = 0.0;
    return;
  }
  let g = select(dy[0], dy[r], PER_ROW == 1u);
  let onehot = select(0.0, 1.0, f32(k) == t);
  dx[i] = g * (exp(x[i] - lse[r]) - (1.0 - p.eps) * onehot - p.eps / f32(p.K));
}
