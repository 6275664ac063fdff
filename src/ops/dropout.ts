// dropout (inverted, as torch.nn.functional.dropout) and linear (x·Wᵀ + b, as F.linear).

import { WgslnetError } from '../gpu/errors.js';
import { defineKernel } from '../gpu/kernelDecl.js';
import { record } from '../tensor/autograd.js';
import type { Tensor } from '../tensor/tensor.js';
import { add } from './elementwise.js';
import { nextSeedTensor } from './gpuRandom.js';
import { grid1d, launch, output } from './launch.js';
import { matmul } from './matmul.js';

const DROPOUT = defineKernel({
  file: 'elementwise/dropout.wgsl',
  params: { n: 'u32', threshold: 'u32', scale: 'f32' },
  inputs: ['x', 'seed'],
  outputs: ['y'],
  overrides: ['WG'],
});

/**
 * Zeroes each element with probability p and scales the rest by 1/(1 − p) when training;
 * the identity otherwise. The mask is drawn from the seeded generator (manualSeed).
 */
export function dropout(x: Tensor, p = 0.5, training = true): Tensor {
  if (!(p >= 0 && p <= 1)) throw new WgslnetError(`dropout: p must be in [0, 1], got ${p}`);
  if (!training || p === 0) return x;
  const params = { n: x.size, threshold: Math.min(Math.round(p * 2 ** 32), 2 ** 32 - 1), scale: p === 1 ? 0 : 1 / (1 - p) };
  const seed = nextSeedTensor('dropout');
  const apply = (t: Tensor, op: string) => {
    const y = output(t.shape, op);
    if (y.size) launch(op, DROPOUT, { params, inputs: [t, seed], outputs: [y], workgroups: grid1d(y.size) });
    return y;
  };
  const y = apply(x, 'dropout');
  return record(y, 'dropout', [x], (g) => [apply(g, 'dropout backward')]); // the same mask: same seed
}

/** y = x·Wᵀ + b, with W [out, in] as in torch.nn.Linear. */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  const y = matmul(x, weight, { transB: true });
  return bias ? add(y, bias) : y;
}
