// dropout (inverted) — y[i] = x[i] · scale if keep(i) else 0,   scale = 1 / (1 − p)
//   keep(i) = hash(i, seed) ≥ threshold, threshold = p · 2³², with a PCG-style integer hash.
// The mask is a pure function of (seed, i): the backward runs this same kernel on dy with the
// same seed, so no mask is stored. The seed is a [1] tensor handed out by rng_split.wgsl (an
// integer below 2²⁴ stored as f32), so it never passes through a uniform buffer.
// Layout: x, y contiguous f32, read flat; seed [1]. One invocation per element; 2-D grid as in fill.wgsl.
// Bindings: p = { n, threshold, scale }; x, seed in; y out.

struct Params {
  n: u32,
  threshold: u32,
  scale: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> seed: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;

override WG: u32 = 256;

fn pcgHash(v: u32) -> u32 {
  let state = v * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * WG + lid;
  if (i >= p.n) { return; }
  let keep = pcgHash(i ^ pcgHash(u32(seed[0]))) >= p.threshold;
  y[i] = select(0.0, x[i] * p.scale, keep);
}
