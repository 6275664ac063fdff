// logSoftmax and the fused, numerically stable crossEntropy(logits, targets).

import { shapeStr, WgslnetError } from '../gpu/errors.js';
import { defineKernel } from '../gpu/kernelDecl.js';
import { record } from '../tensor/autograd.js';
import { Tensor } from '../tensor/tensor.js';
import { tensor } from './creation.js';
import { grid1d, launch, output } from './launch.js';
import { div } from './elementwise.js';
import { sum } from './reduce.js';

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
  params: { N: 'u32', K: 'u32', eps: 'f32', ignoreIndex: 'i32' },
  inputs: ['x', 'targets'],
  outputs: ['loss', 'lse', 'valid'],
  overrides: ['WG'],
});
const CROSS_ENTROPY_BACKWARD = defineKernel({
  file: 'loss/cross_entropy_backward.wgsl',
  params: { N: 'u32', K: 'u32', eps: 'f32', ignoreIndex: 'i32' },
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
  /** 'mean' (over the rows not ignored), 'sum', or 'none' (one loss per row). */
  reduction?: 'mean' | 'sum' | 'none';
  /** Rows whose target is this index count for nothing: loss 0, no gradient, left out of the mean. torch's default: −100. */
  ignoreIndex?: number;
  /** ε: the target puts 1 − ε + ε/K on its class and ε/K on every other (torch's label_smoothing). */
  labelSmoothing?: number;
}

/**
 * torch's F.cross_entropy of logits [N, K] against class indices (a tensor [N] or numbers), with
 * `reduction`, `ignoreIndex` and `labelSmoothing` meaning what they mean there. Log-softmax, the
 * smoothing and the pick are one kernel; the backward never reads back: it is
 * softmax − the smoothed one-hot, scaled by the incoming gradient on the GPU.
 */
export function crossEntropy(logits: Tensor, targets: Tensor | ArrayLike<number>, opts: CrossEntropyOptions = {}): Tensor {
  const reduction = opts.reduction ?? 'mean';
  const ignoreIndex = opts.ignoreIndex ?? -100;
  const eps = opts.labelSmoothing ?? 0;
  if (logits.rank !== 2) throw new WgslnetError(`crossEntropy: logits must be [N, K], got ${shapeStr(logits.shape)}`);
  if (!(eps >= 0 && eps <= 1)) throw new WgslnetError(`crossEntropy: labelSmoothing must be in [0, 1], got ${eps}`);
  if (!Number.isInteger(ignoreIndex)) throw new WgslnetError(`crossEntropy: ignoreIndex must be an integer, got ${ignoreIndex}`);
  const [N, K] = logits.shape as [number, number];
  let t: Tensor;
  if (targets instanceof Tensor) {
    t = targets;
  } else {
    for (let i = 0; i < targets.length; i++) {
      const v = targets[i]!;
      if (v !== ignoreIndex && (!Number.isInteger(v) || v < 0 || v >= K)) throw new WgslnetError(`crossEntropy: target ${i} is ${v}; class indices must be integers in [0, ${K})`);
    }
    t = tensor(Array.from(targets), [targets.length]);
  }
  if (t.size !== N) throw new WgslnetError(`crossEntropy: ${N} rows of logits but ${t.size} targets`);
  const params = { N, K, eps, ignoreIndex };
  const perRow = output([N], 'crossEntropy');
  const lse = output([N], 'crossEntropy');
  const valid = output([N], 'crossEntropy');
  launch('crossEntropy', CROSS_ENTROPY, { params, inputs: [logits, t], outputs: [perRow, lse, valid], workgroups: [Math.ceil(N / 64)] });
  // perRow was made by a kernel, not recorded, so reducing it records nothing: the fused backward
  // below applies the reduction itself (for the mean, dividing the gradient by the row count).
  const count = reduction === 'mean' ? sum(valid) : null;
  let loss = perRow;
  if (reduction !== 'none') {
    const total = sum(perRow);
    loss = count ? div(total, count) : total;
    if (count) total.dispose();
    perRow.dispose();
  }
  valid.dispose();
  return record(loss, 'crossEntropy', [logits], (g) => {
    const dx = output(logits.shape, 'crossEntropy backward');
    const dy = count ? div(g, count) : g;
    launch('crossEntropy backward', CROSS_ENTROPY_BACKWARD, {
      params,
      inputs: [logits, t, lse, dy],
      outputs: [dx],
      workgroups: grid1d(N * K),
      overrides: { PER_ROW: reduction === 'none' ? 1 : 0 },
    });
    if (dy !== g) dy.dispose();
    return [dx];
  });
}

/**
 * fastai's LabelSmoothingCrossEntropy(eps = 0.1) as a learner's loss function:
 * visionLearner(dls, resnet18, { lossFunc: LabelSmoothingCrossEntropy() }).
 */
export function LabelSmoothingCrossEntropy(o: { eps?: number; reduction?: 'mean' | 'sum' } = {}): (pred: Tensor, targets: Tensor | ArrayLike<number>) => Tensor {
  const opts = { labelSmoothing: o.eps ?? 0.1, reduction: o.reduction ?? 'mean' };
  return (pred, targets) => crossEntropy(pred, targets, opts);
}
