// Parameter initialisation as PyTorch/torchvision do it, from the seeded generator (manualSeed).

import { tensor, zeros } from '../ops/creation.js';
import { globalRng } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';

function fill(shape: number[], sample: () => number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = sample();
  return tensor(data, shape);
}

/** kaiming_normal_(mode='fan_out', nonlinearity='relu'): N(0, 2 / fan_out); torchvision's conv init. */
export function kaimingNormalFanOut(shape: number[]): Tensor {
  const fanOut = shape[0]! * shape.slice(2).reduce((a, b) => a * b, 1);
  const std = Math.sqrt(2 / fanOut);
  const rng = globalRng();
  return fill(shape, () => rng.normal() * std);
}

/** kaiming_normal_(mode='fan_in', nonlinearity='relu'): N(0, 2 / fan_in); fastai's head init. */
export function kaimingNormalFanIn(shape: number[]): Tensor {
  const fanIn = shape.slice(1).reduce((a, b) => a * b, 1);
  const std = Math.sqrt(2 / fanIn);
  const rng = globalRng();
  return fill(shape, () => rng.normal() * std);
}

/** fan_in of a weight of this shape, as torch computes it: shape[1] · the kernel's size. */
export function fanIn(shape: readonly number[]): number {
  return shape.slice(1).reduce((a, b) => a * b, 1);
}

let skipping = 0;

/**
 * Builds layers without their default initialisation (the weights start at zero), for a model
 * that re-initialises them at once, as torchvision's ResNet does with every conv: the same
 * weights as initialising twice, without drawing millions of numbers that are then overwritten
 * (torch.nn.utils.skip_init).
 */
export function skipInit<T>(build: () => T): T {
  skipping++;
  try {
    return build();
  } finally {
    skipping--;
  }
}

/**
 * torch.nn's default for Conv2d and Linear weights: kaiming_uniform_(a = √5), which is
 * U(±gain·√(3/fan_in)) with gain = √(2/(1 + 5)), i.e. U(±1/√fan_in).
 */
export function torchDefaultWeight(shape: number[]): Tensor {
  if (skipping) return zeros(shape);
  return uniform(shape, 1 / Math.sqrt(fanIn(shape)));
}

/** torch.nn's default for their biases: U(±1/√fan_in) of the layer's weight (0 when fan_in is 0). */
export function torchDefaultBias(shape: number[], weightShape: readonly number[]): Tensor {
  if (skipping) return zeros(shape);
  const f = fanIn(weightShape);
  return uniform(shape, f > 0 ? 1 / Math.sqrt(f) : 0);
}

/** U(−bound, bound) from the seeded generator. */
export function uniform(shape: number[], bound: number): Tensor {
  const rng = globalRng();
  return fill(shape, () => (2 * rng.next() - 1) * bound);
}
