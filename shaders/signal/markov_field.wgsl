// Markov transition field, aggregated to size × size, as pyts.image.MarkovTransitionField
//   Each value x_t of a series of length n is in a bin q_t (quantile bins, on the CPU) and W is
//   the row-normalised matrix of transitions between consecutive bins (CPU). The full field is
//   M[a, b] = W[q_a, q_b] (a, b < n); the image averages it over blocks of segments:
//     field[i, j] = mean of M[a, b] over a ∈ [bounds_i, bounds_{i+1}), b ∈ [bounds_j, bounds_{j+1})
//   with bounds = ⌊linspace(0, n, size + 1)⌋ (pyts' segmentation; size = n gives M itself).
// Layout: bins [count, n] f32 (bin numbers); w [count, nBins, nBins] f32; bounds [size + 1] f32
// (integers; exact below 2^24); field [count, size, size] f32, contiguous.
// One invocation computes one pixel (its whole block). 2-D grid of workgroups as fill.wgsl.
// Bindings: p = { n, size, nBins, count }; bins, w, bounds in; field out.

struct Params {
  n: u32,
  size: u32,
  nBins: u32,
  count: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> bins: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read> bounds: array<f32>;
@group(0) @binding(4) var<storage, read_write> field: array<f32>;

override WG: u32 = 256;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let k = (wid.y * nwg.x + wid.x) * WG + lid;
  if (k >= p.count * p.size * p.size) { return; }
  let j = k % p.size;
  let i = (k / p.size) % p.size;
  let s = k / (p.size * p.size);
  let a0 = u32(bounds[i]);
  let a1 = u32(bounds[i + 1u]);
  let b0 = u32(bounds[j]);
  let b1 = u32(bounds[j + 1u]);
  let wRow = s * p.nBins * p.nBins;
  var total = 0.0;
  for (var a = a0; a < a1; a++) {
    let qa = u32(bins[s * p.n + a]);
    for (var b = b0; b < b1; b++) {
      total += w[wRow + qa * p.nBins + u32(bins[s * p.n + b])];
    }
  }
  field[k] = total / f32((a1 - a0) * (b1 - b0));
}
