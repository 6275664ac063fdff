// logSoftmax and the fused, numerically stable crossEntropy(logits, targets).

import { shapeStr, WgslnetError } from '../gpu/errors.js';
import { defineKernel } from '../gpu/kernelDecl.js';
import { record } from '../tensor/autograd.js';
import { Tensor } from '../tensor/tensor.js';
import { tensor } from './creation.js';
import { grid1d, launch, output } from './launch.js';
import { mean, sum } from './reduce.js';

const LOG_SOFTMAX = defineKernel({ file: 'loss/log_softmax.wgsl', params: { rows: 'u32', K: 'u32' }, inputs: ['x'], outputs: ['y'], overrides: ['WG'] });
const LOG_SOFTMAX_BACKWARD = defineKernel({
  file: 'loss/log_softmax_backward.wgsl',
  params: { rows: 'u32', K: 'u32' },
  inputs: ['y', 'dy'],
  outputs: ['dx'],
  overrides: ['WG'],
});
const CROSS_ENTROPY = defineKernel({
  file: 'loss/cross_entropy.wgsl',
  params: { N: 'u32', K: 'u32' },
  inputs: ['x', 'targets'],
  outputs: ['loss', 'lse'],
  overrides: ['WG'],
});
const CROSS_ENTROPY_BACKWARD = defineKernel({
  file: 'loss/cross_entropy_backward.wgsl',
  params: { N: 'u32', K: 'u32', scale: 'f32' },
  inputs: ['x', 'targets', 'lse', 'dy'],
  outputs: ['dx'],
  overrides: ['WG', 'PER_ROW'],
});

/** log(softmax(x)) over the last dim. */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  if (axis !== -1 && axis !== x.rank - 1) throw new WgslnetError(`logSoftmax: only the last axis is supported, got axis ${axis} of ${shapeStr(x.shape)}`);
  const K = x.shape[x.rank - 1]!;
  const rows = x.size / K;
  const y = output(x.shape, 'logSoftmax');
  launch('logSoftmax', LOG_SOFTMAX, { params: { rows, K }, inputs: [x], outputs: [y], workgroups: [Math.ceil(rows / 64)] });
  return record(y, 'logSoftmax', [x], (g) => {
    const dx = output(x.shape, 'logSoftmax backward');
    launch('logSoftmax backward', LOG_SOFTMAX_BACKWARD, { params: { rows, K }, inputs: [y, g], outputs: [dx], workgroups: [Math.ceil(rows / 64)] });
    return [dx];
  });
}

export interface CrossEntropyOptions {
  reduction?: 'mean' | 'sum' | 'none';
}

/**
 * Cross-entropy of logits [N, K] against class indices (a tensor [N], or numbers). The same value
 * as PyTorch's F.cross_entropy; log-softmax and the pick are one kernel, and the backward never
 * reads back: it is softmax − onehot, scaled by the incoming gradient on the GPU.
 */
export function crossEntropy(logits: Tensor, targets: Tensor | ArrayLike<number>, opts: CrossEntropyOptions = {}): Tensor {
  const reduction = opts.reduction ?? 'mean';
  if (logits.rank !== 2) throw new WgslnetError(`crossEntropy: logits must be [N, K], got ${shapeStr(logits.shape)}`);
  const [N, K] = logits.shape as [number, number];
  let t: Tensor;
  if (targets instanceof Tensor) {
    t = targets;
  } else {
    for (let i = 0; i < targets.length; i++) {
      const v = targets[i]!;
      if (!Number.isInteger(v) || v < 0 || v >= K) throw new WgslnetError(`crossEntropy: target ${i} is ${v}; class indices must be integers in [0, ${K})`);
    }
    t = tensor(Array.from(targets), [targets.length]);
  }
  if (t.size !== N) throw new WgslnetError(`crossEntropy: ${N} rows of logits but ${t.size} targets`);
  const perRow = output([N], 'crossEntropy');
  const lse = output([N], 'crossEntropy');
  launch('crossEntropy', CROSS_ENTROPY, { params: { N, K }, inputs: [logits, t], outputs: [perRow, lse], workgroups: [Math.ceil(N / 64)] });
  // perRow was made by a kernel, not recorded, so reducing it records nothing: the fused backward
  // below applies the reduction's scale (1/N for mean) itself.
  const loss = reduction === 'none' ? perRow : reduction === 'sum' ? sum(perRow) : mean(perRow);
  return record(loss, 'crossEntropy', [logits], (g) => {
    const dx = output(logits.shape, 'crossEntropy backward');
    launch('crossEntropy backward', CROSS_ENTROPY_BACKWARD, {
      params: { N, K, scale: reduction === 'mean' ? 1 / N : 1 },
      inputs: [logits, t, lse, g],
      outputs: [dx],
      workgroups: grid1d(N * K),
      overrides: { PER_ROW: reduction === 'none' ? 1 : 0 },
    });
    return [dx];
  });
}
