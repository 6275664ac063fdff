// The layers a ResNet and fastai's head are made of, as torch.nn modules: the same parameter
// names, the same argument meaning (a number or an [h, w] pair where torch takes either) and the
// same default initialisation (torch.nn's reset_parameters; models re-initialise as theirs do).

import { WgslnetError } from '../gpu/errors.js';
import { ones, zeros } from '../ops/creation.js';
import { conv2d } from '../ops/conv.js';
import { pair, type Pair } from '../ops/convGeometry.js';
import { batchNorm, batchNormRelu } from '../ops/batchnorm.js';
import { dropout, linear } from '../ops/dropout.js';
import { addAny, relu } from '../ops/elementwise.js';
import { flatten } from '../ops/layout.js';
import { adaptiveAvgPool2d, adaptiveConcatPool2d, adaptiveMaxPool2d, avgPool2d, maxPool2d } from '../ops/pool.js';
import { noGrad } from '../tensor/autograd.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import { torchDefaultBias, torchDefaultWeight } from './init.js';
import { Module } from './module.js';

export interface Conv2dOptions {
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  groups?: number;
  /** A learnable bias (torch's default: true). */
  bias?: boolean;
}

export class Conv2d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly kernelSize: [number, number];
  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Pair,
    readonly opts: Conv2dOptions = {},
  ) {
    super();
    const groups = opts.groups ?? 1;
    if (!Number.isInteger(groups) || groups < 1 || inChannels % groups || outChannels % groups) {
      throw new WgslnetError(`Conv2d: groups = ${groups} must divide both inChannels (${inChannels}) and outChannels (${outChannels})`);
    }
    this.kernelSize = pair('kernelSize', 'Conv2d', kernelSize, 1);
    const shape = [outChannels, inChannels / groups, ...this.kernelSize];
    this.weight = this.param('weight', torchDefaultWeight(shape));
    this.bias = opts.bias ?? true ? this.param('bias', torchDefaultBias([outChannels], shape)) : null;
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
  /** torchvision's num_batches_tracked buffer. Training batches are counted in JS (no GPU work per
   *  step) and added to it whenever the state dict is read, so it is always the tensor that counts. */
  readonly numBatchesTrackedTensor: Tensor;
  private pendingBatches = 0;
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
    if (!this.pendingBatches) return;
    const [t, n] = [this.numBatchesTrackedTensor, this.pendingBatches];
    this.pendingBatches = 0;
    noGrad(() => tidy(() => void t.assign(addAny(t, n))));
  }
  private opts() {
    if (this.training) this.pendingBatches++;
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
    // nn.Linear's reset_parameters, as Conv2d's: U(±1/√in) for the weight and the bias.
    this.weight = this.param('weight', torchDefaultWeight([outFeatures, inFeatures]));
    this.bias = bias ? this.param('bias', torchDefaultBias([outFeatures], [outFeatures, inFeatures])) : null;
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
    readonly opts: { stride?: Pair; padding?: Pair; dilation?: Pair } = {},
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.kernelSize, this.opts);
  }
}

export class AvgPool2d extends Module {
  constructor(
    readonly kernelSize: Pair,
    readonly opts: { stride?: Pair; padding?: Pair; countIncludePad?: boolean } = {},
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.kernelSize, this.opts);
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

export class AdaptiveMaxPool2d extends Module {
  constructor(readonly outputSize: Pair) {
    super();
  }
  forward(x: Tensor): Tensor {
    return adaptiveMaxPool2d(x, this.outputSize);
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

/** nn.Flatten: dims startDim…endDim into one; unlike torch.flatten it keeps the batch dim by default. */
export class Flatten extends Module {
  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return flatten(x, this.startDim, this.endDim);
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
