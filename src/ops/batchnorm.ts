// Batch normalisation, as torch.nn.functional.batch_norm: over N and the spatial dims of
// [N, C, ...] input. Training uses batch statistics (biased variance) and updates the running
// statistics in place (unbiased variance, momentum 0.1); evaluation uses the running statistics.
// batchNormRelu is the same op with the ReLU fused into the apply and the backward kernels.

import { shapeStr, WgslnetError } from '../gpu/errors.js';
import { defineKernel } from '../gpu/kernelDecl.js';
import { record } from '../tensor/autograd.js';
import { sizeOf } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { ones, zeros } from './creation.js';
import { grid1d, launch, output } from './launch.js';

const BN_STATS = defineKernel({
  file: 'norm/bn_stats.wgsl',
  params: { N: 'u32', C: 'u32', HW: 'u32', eps: 'f32' },
  inputs: ['x', 'gamma', 'beta'],
  outputs: ['mean', 'var_', 'coef'],
  overrides: ['WG'],
});
const BN_COEF = defineKernel({
  file: 'norm/bn_coef.wgsl',
  params: { C: 'u32', eps: 'f32' },
  inputs: ['mean', 'var_', 'gamma', 'beta'],
  outputs: ['coef'],
});
const BN_APPLY = defineKernel({
  file: 'norm/bn_apply.wgsl',
  params: { n: 'u32', C: 'u32', HW: 'u32' },
  inputs: ['x'],
  outputs: ['y'],
  uniforms: ['coef'],
  overrides: ['WG', 'RELU', 'PLANES'],
});
const BN_RUNNING = defineKernel({
  file: 'norm/bn_running.wgsl',
  params: { C: 'u32', momentum: 'f32', unbias: 'f32' },
  inputs: ['mean', 'var_'],
  outputs: ['runningMean', 'runningVar'],
});
const BN_BACKWARD_REDUCE = defineKernel({
  file: 'norm/bn_backward_reduce.wgsl',
  params: { N: 'u32', C: 'u32', HW: 'u32', eps: 'f32' },
  inputs: ['x', 'y', 'dy', 'mean', 'var_', 'gamma'],
  outputs: ['dbeta', 'dgamma', 'dcoef'],
  overrides: ['WG', 'RELU', 'TRAINING'],
});
const BN_BACKWARD_DX = defineKernel({
  file: 'norm/bn_backward_dx.wgsl',
  params: { n: 'u32', C: 'u32', HW: 'u32' },
  inputs: ['x', 'y', 'dy'],
  outputs: ['dx'],
  uniforms: ['dcoef'],
  overrides: ['WG', 'RELU', 'PLANES'],
});

/**
 * The elementwise kernels' grid: one workgroup row per (n, c) plane where a plane fills a
 * workgroup (the channel then comes from the workgroup, not a division per element), else flat.
 */
function elementGrid(N: number, C: number, HW: number, size: number): { workgroups: [number, number]; overrides: { PLANES: number } } {
  const planes = N * C;
  if (HW >= 256 && planes <= 65535) return { workgroups: [Math.ceil(HW / 256), planes], overrides: { PLANES: 1 } };
  return { workgroups: grid1d(size), overrides: { PLANES: 0 } };
}

/** Per-channel coefficients live in a 64 KiB uniform window of vec4s (see bn_apply.wgsl). */
const MAX_CHANNELS = 4096;
const coefficients = (op: string) => output([MAX_CHANNELS * 4], op);

export interface BatchNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  training?: boolean;
  momentum?: number;
  eps?: number;
}

function batchNormImpl(
  op: string,
  relu: boolean,
  x: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  opts: BatchNormOptions,
): Tensor {
  if (x.rank < 2) throw new WgslnetError(`${op}: input must be [N, C, ...], got ${shapeStr(x.shape)}`);
  const [N, C] = x.shape as [number, number];
  const HW = sizeOf(x.shape.slice(2));
  const M = N * HW;
  const training = opts.training ?? false;
  const eps = opts.eps ?? 1e-5;
  const momentum = opts.momentum ?? 0.1;
  for (const [name, t] of [['weight', opts.weight], ['bias', opts.bias], ['runningMean', runningMean], ['runningVar', runningVar]] as const) {
    if (t && (t.rank !== 1 || t.shape[0] !== C)) throw new WgslnetError(`${op}: ${name} must be [${C}] for input ${shapeStr(x.shape)}, got ${shapeStr(t.shape)}`);
  }
  if (!training && (!runningMean || !runningVar)) throw new WgslnetError(`${op}: evaluation mode needs running statistics`);
  if (training && M < 2) throw new WgslnetError(`${op}: training needs more than one value per channel, got input ${shapeStr(x.shape)}`);
  if (C > MAX_CHANNELS) throw new WgslnetError(`${op}: at most ${MAX_CHANNELS} channels are supported (shaders/norm/bn_apply.wgsl keeps them in one uniform window), got input ${shapeStr(x.shape)}`);

  const gamma = opts.weight ?? ones([C]);
  const beta = opts.bias ?? zeros([C]);
  let mean: Tensor;
  let var_: Tensor;
  const coef = coefficients(op);
  if (training) {
    mean = output([C], op);
    var_ = output([C], op);
    launch(op, BN_STATS, { params: { N, C, HW, eps }, inputs: [x, gamma, beta], outputs: [mean, var_, coef], workgroups: [C] });
    if (runningMean && runningVar) {
      launch(`${op} running stats`, BN_RUNNING, {
        params: { C, momentum, unbias: M / (M - 1) },
        inputs: [mean, var_],
        outputs: [runningMean, runningVar],
        workgroups: [Math.ceil(C / 64)],
      });
    }
  } else {
    mean = runningMean!;
    var_ = runningVar!;
    launch(op, BN_COEF, { params: { C, eps }, inputs: [mean, var_, gamma, beta], outputs: [coef], workgroups: [Math.ceil(C / 64)] });
  }
  const y = output(x.shape, op);
  const RELU = relu ? 1 : 0;
  const grid = elementGrid(N, C, HW, x.size);
  launch(op, BN_APPLY, { params: { n: x.size, C, HW }, inputs: [x], outputs: [y], uniforms: [{ t: coef, offset: 0 }], workgroups: grid.workgroups, overrides: { RELU, ...grid.overrides } });
  coef.dispose();

  const parents = [x, ...(opts.weight ? [opts.weight] : []), ...(opts.bias ? [opts.bias] : [])];
  record(y, op, parents, (dy) => {
    const dbeta = output([C], `${op} backward`);
    const dgamma = output([C], `${op} backward`);
    const dcoef = coefficients(`${op} backward`);
    const TRAINING = training ? 1 : 0;
    launch(`${op} backward`, BN_BACKWARD_REDUCE, { params: { N, C, HW, eps }, inputs: [x, y, dy, mean, var_, gamma], outputs: [dbeta, dgamma, dcoef], workgroups: [C], overrides: { RELU, TRAINING } });
    let dx: Tensor | null = null;
    if (x.requiresGrad) {
      dx = output(x.shape, `${op} backward`);
      launch(`${op} backward`, BN_BACKWARD_DX, {
        params: { n: x.size, C, HW },
        inputs: [x, y, dy],
        outputs: [dx],
        uniforms: [{ t: dcoef, offset: 0 }],
        workgroups: grid.workgroups,
        overrides: { RELU, ...grid.overrides },
      });
    }
    dcoef.dispose();
    const grads: (Tensor | null)[] = [dx];
    if (opts.weight) grads.push(dgamma);
    if (opts.bias) grads.push(dbeta);
    return grads;
  });
  return y;
}

/**
 * torch.nn.functional.batch_norm(x, running_mean, running_var, weight, bias, training, momentum, eps).
 * In training the running statistics (if given) are updated in place.
 */
export function batchNorm(x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, opts: BatchNormOptions = {}): Tensor {
  return batchNormImpl('batchNorm', false, x, runningMean, runningVar, opts);
}

/** relu(batchNorm(x, …)) in one pass forward and one backward: the pair every ResNet block uses. */
export function batchNormRelu(x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, opts: BatchNormOptions = {}): Tensor {
  return batchNormImpl('batchNormRelu', true, x, runningMean, runningVar, opts);
}
