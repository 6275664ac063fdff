// torch.optim.SGD: momentum, dampening, Nesterov, weight decay; the update is sgd.wgsl, in place.

import { defineKernel } from '../gpu/kernelDecl.js';
import { grid1d, launch } from '../ops/launch.js';
import type { Tensor } from '../tensor/tensor.js';
import { Optimizer, type GroupsInput } from './optimizer.js';

const SGD_KERNEL = defineKernel({ file: 'optim/sgd.wgsl', params: { n: 'u32' }, inputs: ['grad', 'hyper'], outputs: ['param', 'momentumBuf'], overrides: ['WG'] });

export interface SGDOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
}

export class SGD extends Optimizer<Required<SGDOptions>> {
  constructor(params: GroupsInput<SGDOptions>, opts: SGDOptions) {
    super(params, { momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, ...opts });
  }
  /** t = 1 is the parameter's first update: the momentum buffer starts as the gradient. */
  protected hyperValues(h: Required<SGDOptions>, t: number): number[] {
    return [h.lr, h.momentum, h.dampening, h.weightDecay, h.nesterov ? 1 : 0, t === 1 ? 1 : 0];
  }
  protected update(p: Tensor, grad: Tensor, hyper: Tensor, h: Required<SGDOptions>): void {
    // Without momentum the buffer is never read or written: a placeholder fills the binding.
    const buf = h.momentum !== 0 ? this.stateOf(p, 'momentum_buffer') : this.placeholder();
    launch('SGD step', SGD_KERNEL, { params: { n: p.size }, inputs: [grad, hyper], outputs: [p, buf], workgroups: grid1d(p.size) });
  }
}
