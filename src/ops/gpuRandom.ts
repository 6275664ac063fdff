// The GPU-side random state behind dropout: one [1] tensor seeded from the CPU generator, split
// into a fresh per-call seed by rng_split.wgsl. manualSeed() reseeds it (the next split uploads a
// new state), so dropout masks are reproducible like everything else.

import { defineKernel } from '../gpu/kernelDecl.js';
import { keep } from '../tensor/scope.js';
import { globalRng, seedGeneration } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { tensor } from './creation.js';
import { launch, output } from './launch.js';

const RNG_SPLIT = defineKernel({ file: 'elementwise/rng_split.wgsl', params: {}, inputs: [], outputs: ['state', 'seed'] });

let state: Tensor | null = null;
let stateGeneration = -1;

/** A [1] tensor holding a fresh seed (an integer below 2²⁴), drawn on the GPU. */
export function nextSeedTensor(op: string): Tensor {
  if (!state || state.disposed || stateGeneration !== seedGeneration()) {
    state?.dispose();
    state = keep(tensor([globalRng().nextU32() & 0xffffff], [1]));
    stateGeneration = seedGeneration();
  }
  const seed = output([1], op);
  launch(op, RNG_SPLIT, { inputs: [], outputs: [state, seed], workgroups: [1] });
  return seed;
}
