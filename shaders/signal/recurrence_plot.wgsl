// Recurrence plot, aggregated to size × size, as pyts.image.RecurrencePlot
//   Trajectories of dimension m and delay τ: v_a = (x_a, x_{a+τ}, …, x_{a+(m−1)τ}) for
//   a < T = n − (m − 1)·τ. The full plot is R[a, b] = ‖v_a − v_b‖ (Euclidean), or, when
//   binarize = 1, R[a, b] = 1 if ‖v_a − v_b‖ < thresholds[series] else 0 (pyts' threshold: a
//   fixed ε, or one per series that the host chose from its distances for 'point'/'distance').
//   The image averages R over blocks, as markov_field.wgsl (bounds = ⌊linspace(0, T, size + 1)⌋;
//   size = T gives R itself, which is what pyts returns).
// Layout: x [count, n] f32; bounds [size + 1] f32 (integers); thresholds [count] f32;
// plot [count, size, size] f32.
// One invocation computes one pixel (its whole block). 2-D grid of workgroups as fill.wgsl.
// Bindings: p = { n, size, dimension, delay, binarize, count }; x, bounds, thresholds in; plot out.

struct Params {
  n: u32,
  size: u32,
  dimension: u32,
  delay: u32,
  binarize: u32,
  count: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> bounds: array<f32>;
@group(0) @binding(3) var<storage, read> thresholds: array<f32>;
@group(0) @binding(4) var<storage, read_write> plot: array<f32>;

override WG: u32 = 256;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let k = (wid.y * nwg.x + wid.x) * WG + lid;
  if (k >= p.count * p.size * p.size) { return; }
  let j = k % p.size;
  let i = (k / p.size) % p.size;
  let series = k / (p.size * p.size);
  let base = series * p.n;
  let threshold = thresholds[series];
  let a0 = u32(bounds[i]);
  let a1 = u32(bounds[i + 1u]);
  let b0 = u32(bounds[j]);
  let b1 = u32(bounds[j + 1u]);
  var total = 0.0;
  for (var a = a0; a < a1; a++) {
    for (var b = b0; b < b1; b++) {
      var sq = 0.0;
      for (var c = 0u; c < p.dimension; c++) {
        let d = x[base + a + c * p.delay] - x[base + b + c * p.delay];
        sq += d * d;
      }
      let dist = sqrt(sq);
      if (p.binarize == 1u) {
        total += select(0.0, 1.0, dist < threshold);
      } else {
        total += dist;
      }
    }
  }
  plot[k] = total / f32((a1 - a0) * (b1 - b0));
}
