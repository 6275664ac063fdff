// The layers a ResNet and fastai's head are made of, as torch.nn modules with the same parameter
// names and default initialisation.

import { WgslnetError } from '../gpu/errors.js';
import { runtime } from '../gpu/runtime.js';
import { ones, zeros } from '../ops/creation.js';
import { conv2d } from '../ops/conv.js';
import type { Pair } from '../ops/convGeometry.js';
import { batchNorm, batchNormRelu } from '../ops/batchnorm.js';
import { dropout, linear } from '../ops/dropout.js';
import { relu } from '../ops/elementwise.js';
import { flatten } from '../ops/layout.js';
import { adaptiveAvgPool2d, adaptiveConcatPool2d, maxPool2d } from '../ops/pool.js';
import type { Tensor } from '../tensor/tensor.js';
import { kaimingNormalFanOut, uniform } from './init.js';
import { Module } from './module.js';

export interface Conv2dOptions {
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  groups?: number;
  bias?: boolean;
}

export class Conv2d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernelSize: number,
    readonly opts: Conv2dOptions = {},
  ) {
    super();
    const groups = opts.groups ?? 1;
    // torchvision's ResNet re-initialises every conv this way; bias, when present, starts at 0.
    this.weight = this.param('weight', kaimingNormalFanOut([outChannels, inChannels / groups, kernelSize, kernelSize]));
    this.bias = opts.bias ? this.param('bias', zeros([outChannels])) : null;
  }
  forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, this.bias, this.opts);
  }
}

/** BatchNorm over [N, C, …] (BatchNorm2d and BatchNorm1d are this with different input ranks). */
export class BatchNorm extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor;
  readonly runningMean: Tensor;
  readonly runningVar: Tensor;
  /** torchvision counts training batches. Counted in JS (no GPU work per step) and written to the
   *  num_batches_tracked tensor whenever the state dict is read. */
  numBatchesTracked = 0;
  readonly numBatchesTrackedTensor: Tensor;
  private syncedCount = 0;
  constructor(
    readonly numFeatures: number,
    readonly eps = 1e-5,
    readonly momentum = 0.1,
  ) {
    super();
    this.weight = this.param('weight', ones([numFeatures]));
    this.bias = this.param('bias', zeros([numFeatures]));
    this.runningMean = this.buffer('running_mean', zeros([numFeatures]));
    this.runningVar = this.buffer('running_var', ones([numFeatures]));
    this.numBatchesTrackedTensor = this.buffer('num_batches_tracked', zeros([]));
  }
  protected override syncState(): void {
    if (this.syncedCount === this.numBatchesTracked) return;
    runtime().write(this.numBatchesTrackedTensor.buffer('BatchNorm'), Float32Array.of(this.numBatchesTracked));
    this.syncedCount = this.numBatchesTracked;
  }
  private opts() {
    if (this.training) this.numBatchesTracked++;
    return { weight: this.weight, bias: this.bias, training: this.training, momentum: this.momentum, eps: this.eps };
  }
  forward(x: Tensor): Tensor {
    return batchNorm(x, this.runningMean, this.runningVar, this.opts());
  }
  /** relu(this.forward(x)) as one fused kernel. */
  forwardRelu(x: Tensor): Tensor {
    return batchNormRelu(x, this.runningMean, this.runningVar, this.opts());
  }
}
export class BatchNorm2d extends BatchNorm {}
export class BatchNorm1d extends BatchNorm {}

export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    bias = true,
  ) {
    super();
    // nn.Linear's default: kaiming_uniform(a = √5) on the weight, i.e. U(±1/√in), and the same bound for the bias.
    const bound = 1 / Math.sqrt(inFeatures);
    this.weight = this.param('weight', uniform([outFeatures, inFeatures], bound));
    this.bias = bias ? this.param('bias', uniform([outFeatures], bound)) : null;
  }
  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }
}

export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}

export class MaxPool2d extends Module {
  constructor(
    readonly kernelSize: Pair,
    readonly opts: { stride?: Pair; padding?: Pair } = {},
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.kernelSize, this.opts);
  }
}

export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: Pair) {
    super();
  }
  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }
}

/** fastai's AdaptiveConcatPool2d: [max, avg] on channels. */
export class AdaptiveConcatPool2d extends Module {
  constructor(readonly outputSize: Pair = 1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return adaptiveConcatPool2d(x, this.outputSize);
  }
}

export class Dropout extends Module {
  constructor(readonly p = 0.5) {
    super();
  }
  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training);
  }
}

export class Flatten extends Module {
  forward(x: Tensor): Tensor {
    return flatten(x, 1);
  }
}

/** Runs its children in order; their keys are "0.", "1.", … as in torch.nn.Sequential. */
export class Sequential extends Module {
  readonly layers: Module[];
  constructor(...layers: Module[]) {
    super();
    if (!layers.length) throw new WgslnetError('Sequential: needs at least one layer');
    this.layers = layers.map((m, i) => this.child(String(i), m));
  }
  forward(x: Tensor): Tensor {
    return this.layers.reduce((h, m) => m.forward(h), x);
  }
}
