// conv2d: forward, gradient of input, weight and bias. PyTorch's meaning at the API: NCHW input,
// OIHW weight, stride / padding / dilation as a number or [h, w], groups (depthwise when
// groups = C). The versions that compute it are the rungs of the ladder (convLadder.ts); this file
// is the op the tape sees: which rung runs each direction, and what the backward keeps.

import { WgslnetError } from '../gpu/errors.js';
import { record } from '../tensor/autograd.js';
import type { Tensor } from '../tensor/tensor.js';
import { convGeometry, type Conv2dOptions, type ConvGeometry } from './convGeometry.js';
import { runtime } from '../gpu/runtime.js';
import { chosenRung, convRung, OP_NAME, pickRung, type ConvDirection, type ConvImpl, type ConvRung } from './convLadder.js';
import { panelForward, panelWeightGrad } from './cpu/panelConv.js';
import { reshape } from './layout.js';
import { sum } from './reduce.js';

export type { ConvImpl } from './convLadder.js';

export interface Conv2dCallOptions extends Conv2dOptions {
  impl?: ConvImpl;
}

/** The rung for one direction: the chosen one (checked, never swapped), or auto's pick. */
function rungFor(g: ConvGeometry, impl: ConvImpl, direction: ConvDirection): ConvRung {
  if (impl === 'auto') return pickRung(g, direction);
  if (!['naive', 'im2col', 'implicit', 'panel'].includes(impl)) throw new WgslnetError(`conv2d: unknown implementation '${impl}'`);
  return chosenRung(g, impl);
}

export function conv2dInputGrad(g: ConvGeometry, dy: Tensor, w: Tensor, impl: ConvImpl = 'auto'): Tensor {
  return rungFor(g, impl, 'inputGrad').inputGrad(g, dy, w);
}

export function conv2dWeightGrad(g: ConvGeometry, dy: Tensor, x: Tensor, impl: ConvImpl = 'auto'): Tensor {
  return rungFor(g, impl, 'weightGrad').weightGrad(g, dy, x);
}

/** db[o] = Σ_{n, oh, ow} dy[n, o, oh, ow] */
function biasGrad(g: ConvGeometry, dy: Tensor): Tensor {
  return sum(sum(reshape(dy, [g.N, g.O, g.OH * g.OW]), 2), 0);
}

/** torch.nn.functional.conv2d: y = conv(x, w) + b. */
export function conv2d(x: Tensor, w: Tensor, b: Tensor | null = null, opts: Conv2dCallOptions = {}): Tensor {
  const g = convGeometry(x.shape, w.shape, opts);
  const impl = opts.impl ?? 'auto';
  const forward = rungFor(g, impl, 'forward');
  const dwRung = w.requiresGrad ? rungFor(g, impl, 'weightGrad') : null;
  // The panel rung's weight gradient reads the zero-padded NHWC input its forward pass built:
  // keep it for the backward instead of building it twice.
  let y: Tensor;
  let xp: Tensor | null = null;
  if (forward.name === 'panel' && dwRung?.name === 'panel') ({ y, xp } = runtime().withOp(OP_NAME.forward, () => panelForward(g, x, w, b)));
  else y = forward.forward(g, x, w, b);
  const parents = b ? [x, w, b] : [x, w];
  const weightGrad = (dy: Tensor): Tensor => {
    if (!xp) return convRung(dwRung!.name).weightGrad(g, dy, x);
    const dw = runtime().withOp(OP_NAME.weightGrad, () => panelWeightGrad(g, dy, xp!));
    xp.dispose(); // a tape node runs its backward once
    xp = null;
    return dw;
  };
  const out = record(y, 'conv2d', parents, (dy) => [
    x.requiresGrad ? rungFor(g, impl, 'inputGrad').inputGrad(g, dy, w) : null,
    w.requiresGrad ? weightGrad(dy) : null,
    b?.requiresGrad ? biasGrad(g, dy) : null,
  ]);
  // Nothing will run the backward (no grad recorded): the padded input is not needed.
  if (xp && !out.node) {
    xp.dispose();
    xp = null;
  }
  return out;
}
