// Adam (L2 weight decay), AdamW (decoupled) and fastai's Adam (decoupled, β = (0.9, 0.99),
// eps 1e-5, wd 0.01); one kernel, adam.wgsl, updating in place.

import { defineKernel } from '../gpu/kernelDecl.js';
import { grid1d, launch } from '../ops/launch.js';
import type { Tensor } from '../tensor/tensor.js';
import { Optimizer, type GroupsInput } from './optimizer.js';

const ADAM_KERNEL = defineKernel({
  file: 'optim/adam.wgsl',
  params: { n: 'u32' },
  inputs: ['grad', 'hyper'],
  outputs: ['param', 'm', 'v'],
  overrides: ['WG', 'DECOUPLED'],
});

export interface AdamOptions {
  lr: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
}

export class Adam extends Optimizer<Required<AdamOptions>> {
  protected decoupled = false;
  constructor(params: GroupsInput<AdamOptions>, opts: AdamOptions) {
    super(params, { betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, ...opts });
  }
  /** The bias corrections use the parameter's own step t, as torch's state['step']. */
  protected hyperValues(h: Required<AdamOptions>, t: number): number[] {
    const [b1, b2] = h.betas;
    return [h.lr, b1, b2, h.eps, h.weightDecay, 1 - b1 ** t, 1 - b2 ** t];
  }
  protected update(p: Tensor, grad: Tensor, hyper: Tensor): void {
    launch(this.decoupled ? 'AdamW step' : 'Adam step', ADAM_KERNEL, {
      params: { n: p.size },
      inputs: [grad, hyper],
      outputs: [p, this.stateOf(p, 'exp_avg'), this.stateOf(p, 'exp_avg_sq')],
      workgroups: grid1d(p.size),
      overrides: { DECOUPLED: this.decoupled ? 1 : 0 },
    });
  }
}

/** torch.optim.AdamW: weight decay decoupled from the gradient (default 0.01). */
export class AdamW extends Adam {
  constructor(params: GroupsInput<AdamOptions>, opts: AdamOptions) {
    super(params, { weightDecay: 0.01, ...opts });
    this.decoupled = true;
  }
}

/** fastai's default optimizer: Adam with decoupled weight decay, β = (0.9, 0.99), eps 1e-5, wd 0.01. */
export function fastaiAdam(params: GroupsInput<AdamOptions>, opts: AdamOptions): AdamW {
  return new AdamW(params, { betas: [0.9, 0.99], eps: 1e-5, weightDecay: 0.01, ...opts });
}
