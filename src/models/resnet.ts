// ResNet-18/34/50/101/152, module for module and name for name as torchvision.models.resnet:
// stem (conv1, bn1, relu, maxpool), layer1–layer4 of BasicBlocks (two 3×3) or Bottlenecks (1×1,
// 3×3 with the stride, 1×1 ×4), a 1×1 conv + BN downsample where the shape changes, global
// average pooling and fc. Each BN followed by a ReLU runs fused, as does each residual add + ReLU.

import { addRelu } from '../ops/elementwise.js';
import { BatchNorm2d, Conv2d, Linear, MaxPool2d, AdaptiveAvgPool2d, Sequential, Flatten } from '../nn/layers.js';
import { Module } from '../nn/module.js';
import { fillTensor } from '../ops/launch.js';
import { kaimingNormalFanOut, skipInit } from '../nn/init.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * A conv as torchvision's conv3x3 / conv1x1 / stem make it: no bias (a BatchNorm follows). Its
 * default init is skipped because the constructor re-initialises every conv (below).
 */
const conv = (inPlanes: number, outPlanes: number, k: number, stride: number, padding: number) =>
  skipInit(() => new Conv2d(inPlanes, outPlanes, k, { stride, padding, bias: false }));
const conv3x3 = (inPlanes: number, outPlanes: number, stride = 1) => conv(inPlanes, outPlanes, 3, stride, 1);
const conv1x1 = (inPlanes: number, outPlanes: number, stride = 1) => conv(inPlanes, outPlanes, 1, stride, 0);

export interface ResNetOptions {
  /** Classes of the final layer (torchvision: 1000); 0 leaves out avgpool and fc (a body, as fastai cuts it). */
  numClasses?: number;
  /** Start each block's last BN at zero, so every block begins as the identity (torchvision's zero_init_residual). */
  zeroInitResidual?: boolean;
  /**
   * A stem for 28–32 px inputs: a 3×3 stride-1 conv and no max-pool, so the image is not reduced to
   * 1×1 before layer4 (as CIFAR ResNets do). Keeps torchvision's key names; conv1's shape differs.
   */
  smallInput?: boolean;
}

class BasicBlock extends Module {
  static expansion = 1;
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly conv2: Conv2d;
  readonly bn2: BatchNorm2d;
  readonly downsample: Sequential | null;
  constructor(inPlanes: number, planes: number, stride: number, downsample: Sequential | null) {
    super();
    this.conv1 = this.child('conv1', conv3x3(inPlanes, planes, stride));
    this.bn1 = this.child('bn1', new BatchNorm2d(planes));
    this.conv2 = this.child('conv2', conv3x3(planes, planes));
    this.bn2 = this.child('bn2', new BatchNorm2d(planes));
    this.downsample = downsample ? this.child('downsample', downsample) : null;
  }
  get lastBn(): BatchNorm2d {
    return this.bn2;
  }
  forward(x: Tensor): Tensor {
    const out = this.bn2.forward(this.conv2.forward(this.bn1.forwardRelu(this.conv1.forward(x))));
    return addRelu(out, this.downsample ? this.downsample.forward(x) : x);
  }
}

class Bottleneck extends Module {
  static expansion = 4;
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly conv2: Conv2d;
  readonly bn2: BatchNorm2d;
  readonly conv3: Conv2d;
  readonly bn3: BatchNorm2d;
  readonly downsample: Sequential | null;
  constructor(inPlanes: number, planes: number, stride: number, downsample: Sequential | null) {
    super();
    this.conv1 = this.child('conv1', conv1x1(inPlanes, planes));
    this.bn1 = this.child('bn1', new BatchNorm2d(planes));
    this.conv2 = this.child('conv2', conv3x3(planes, planes, stride));
    this.bn2 = this.child('bn2', new BatchNorm2d(planes));
    this.conv3 = this.child('conv3', conv1x1(planes, planes * 4));
    this.bn3 = this.child('bn3', new BatchNorm2d(planes * 4));
    this.downsample = downsample ? this.child('downsample', downsample) : null;
  }
  get lastBn(): BatchNorm2d {
    return this.bn3;
  }
  forward(x: Tensor): Tensor {
    let out = this.bn1.forwardRelu(this.conv1.forward(x));
    out = this.bn2.forwardRelu(this.conv2.forward(out));
    out = this.bn3.forward(this.conv3.forward(out));
    return addRelu(out, this.downsample ? this.downsample.forward(x) : x);
  }
}

type Block = typeof BasicBlock | typeof Bottleneck;

export class ResNet extends Module {
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly maxpool: MaxPool2d | null;
  readonly layers: Sequential[];
  readonly avgpool = new AdaptiveAvgPool2d(1);
  readonly flatten = new Flatten();
  readonly fc: Linear | null;
  /** Channels entering fc: 512 for BasicBlock nets, 2048 for Bottleneck nets (fastai's nf). */
  readonly numFeatures: number;

  constructor(block: Block, counts: [number, number, number, number], opts: ResNetOptions = {}) {
    super();
    const small = opts.smallInput ?? false;
    this.conv1 = this.child('conv1', small ? conv3x3(3, 64) : conv(3, 64, 7, 2, 3));
    this.bn1 = this.child('bn1', new BatchNorm2d(64));
    this.maxpool = small ? null : new MaxPool2d(3, { stride: 2, padding: 1 });
    let inPlanes = 64;
    this.layers = [64, 128, 256, 512].map((planes, i) => {
      const stride = i === 0 ? 1 : 2;
      const blocks: Module[] = [];
      for (let b = 0; b < counts[i]!; b++) {
        const s = b === 0 ? stride : 1;
        const outPlanes = planes * block.expansion;
        const down = b === 0 && (s !== 1 || inPlanes !== outPlanes) ? new Sequential(conv1x1(inPlanes, outPlanes, s), new BatchNorm2d(outPlanes)) : null;
        blocks.push(new block(inPlanes, planes, s, down));
        inPlanes = outPlanes;
      }
      return this.child(`layer${i + 1}`, new Sequential(...blocks));
    });
    this.numFeatures = 512 * block.expansion;
    const classes = opts.numClasses ?? 1000;
    this.fc = classes > 0 ? this.child('fc', new Linear(this.numFeatures, classes)) : null;
    // torchvision re-initialises after building: every conv kaiming_normal_(fan_out, relu); the
    // BatchNorms are already 1 and 0; fc keeps nn.Linear's default.
    for (const [, m] of this.namedModules()) {
      if (!(m instanceof Conv2d)) continue;
      const w = kaimingNormalFanOut([...m.weight.shape]);
      m.weight.assign(w);
      w.dispose();
    }
    if (opts.zeroInitResidual) {
      for (const layer of this.layers) for (const b of layer.layers) fillTensor((b as BasicBlock | Bottleneck).lastBn.weight, 0);
    }
  }

  /** Stem and the four stages (no pooling, no fc): what fastai's create_body keeps. */
  get bodyGroups(): Module[][] {
    const stem: Module[] = [this.conv1, this.bn1];
    return [[...stem, this.layers[0]!, this.layers[1]!], [this.layers[2]!, this.layers[3]!]];
  }

  /** Everything before global pooling: fastai's body. */
  forwardFeatures(x: Tensor): Tensor {
    let h = this.bn1.forwardRelu(this.conv1.forward(x));
    if (this.maxpool) h = this.maxpool.forward(h);
    return this.layers.reduce((t, layer) => layer.forward(t), h);
  }

  forward(x: Tensor): Tensor {
    if (!this.fc) return this.forwardFeatures(x); // a body (numClasses 0): the feature map
    return this.fc.forward(this.flatten.forward(this.avgpool.forward(this.forwardFeatures(x))));
  }
}

export const resnet18 = (opts?: ResNetOptions) => new ResNet(BasicBlock, [2, 2, 2, 2], opts);
export const resnet34 = (opts?: ResNetOptions) => new ResNet(BasicBlock, [3, 4, 6, 3], opts);
export const resnet50 = (opts?: ResNetOptions) => new ResNet(Bottleneck, [3, 4, 6, 3], opts);
export const resnet101 = (opts?: ResNetOptions) => new ResNet(Bottleneck, [3, 4, 23, 3], opts);
export const resnet152 = (opts?: ResNetOptions) => new ResNet(Bottleneck, [3, 8, 36, 3], opts);
