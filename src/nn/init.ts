// Parameter initialisation as PyTorch/torchvision do it, from the seeded generator (manualSeed).

import { tensor } from '../ops/creation.js';
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

/** U(−bound, bound): nn.Linear's default init uses bound = 1/√fan_in for weight and bias. */
export function uniform(shape: number[], bound: number): Tensor {
  const rng = globalRng();
  return fill(shape, () => (2 * rng.next() - 1) * bound);
}
