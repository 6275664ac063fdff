// rng_split — hands out the current random seed and advances the generator, on the GPU:
//   seed[0] = state[0];   state[0] = hash(state[0]) mod 2²⁴
// A per-call seed tensor lets dropout's backward reuse its forward's mask, and keeping the state on
// the GPU means a training step uploads nothing and creates no new uniform buffers for it.
// Values are integers below 2²⁴ stored as f32, exact and never a NaN bit pattern.
// Layout: state, seed are [1] f32. One invocation.
// Bindings: (no params); state in/out, seed out.

@group(0) @binding(0) var<storage, read_write> state: array<f32>;
@group(0) @binding(1) var<storage, read_write> seed: array<f32>;

fn pcgHash(v: u32) -> u32 {
  let s = v * 747796405u + 2891336453u;
  let word = ((s >> ((s >> 28u) + 4u)) ^ s) * 277803737u;
  return (word >> 22u) ^ word;
}

@compute @workgroup_size(1)
fn main() {
  let s = u32(state[0]);
  seed[0] = state[0];
  state[0] = f32(pcgHash(s) & 0xffffffu);
}
