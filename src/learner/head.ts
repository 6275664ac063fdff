// fastai's vision model: Sequential(body, head). The body is a ResNet cut before pooling; the head
// is create_head's: [max, avg] pooling → flatten → BN → dropout 0.25 → linear 2nf→512 → ReLU → BN →
// dropout 0.5 → linear 512→classes (no biases; Kaiming-normal weights; BN weight 1, bias 1e-3).

import { runtime } from '../gpu/runtime.js';
import { AdaptiveConcatPool2d, BatchNorm, BatchNorm1d, Dropout, Flatten, Linear, ReLU, Sequential } from '../nn/layers.js';
import { kaimingNormalFanIn } from '../nn/init.js';
import { Module } from '../nn/module.js';
import type { ResNet } from '../models/resnet.js';
import type { Tensor } from '../tensor/tensor.js';

/** The head for `nf` body features and `nClasses` outputs, initialised as fastai does. */
export function createHead(nf: number, nClasses: number): Sequential {
  const head = new Sequential(
    new AdaptiveConcatPool2d(1),
    new Flatten(),
    new BatchNorm1d(2 * nf),
    new Dropout(0.25),
    new Linear(2 * nf, 512, false),
    new ReLU(),
    new BatchNorm1d(512),
    new Dropout(0.5),
    new Linear(512, nClasses, false),
  );
  for (const m of head.layers) {
    if (m instanceof Linear) {
      const init = kaimingNormalFanIn([m.outFeatures, m.inFeatures]);
      m.weight.assign(init);
      init.dispose();
    } else if (m instanceof BatchNorm) {
      runtime().write(m.bias.buffer('createHead'), new Float32Array(m.numFeatures).fill(1e-3));
    }
  }
  return head;
}

/** Sequential(body, head) with readable keys: `body.layer1.0.conv1.weight`, `head.8.weight`. */
export class VisionModel extends Module {
  readonly body: ResNet;
  readonly head: Sequential;
  constructor(body: ResNet, nClasses: number) {
    super();
    this.body = this.child('body', body);
    this.head = this.child('head', createHead(body.numFeatures, nClasses));
  }

  forward(x: Tensor): Tensor {
    return this.head.forward(this.body.forwardFeatures(x));
  }

  /** fastai's three layer groups for ResNets: stem + layer1 + layer2; layer3 + layer4; head. */
  layerGroups(): Module[][] {
    return [...this.body.bodyGroups, [this.head]];
  }
}
