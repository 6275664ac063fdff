// conv2d: forward, gradient of input, weight and bias. PyTorch's meaning at the API: NCHW input,
// OIHW weight, stride / padding / dilation as a number or [h, w], groups (depthwise when
// groups = C). The naive kernels are the specification; faster versions join them here.

import { defineKernel } from '../gpu/kernelDecl.js';
import { record } from '../tensor/autograd.js';
import type { Tensor } from '../tensor/tensor.js';
import { zeros } from './creation.js';
import { CONV_PARAMS, convGeometry, type Conv2dOptions, type ConvGeometry } from './convGeometry.js';
import { grid1d, launch, output } from './launch.js';
import { reshape } from './layout.js';
import { sum } from './reduce.js';

const CONV_NAIVE = defineKernel({
  file: 'conv/conv2d_naive.wgsl',
  params: { ...CONV_PARAMS, hasBias: 'u32' },
  inputs: ['x', 'w', 'b'],
  outputs: ['y'],
  overrides: ['WG'],
});
const CONV_NAIVE_DX = defineKernel({ file: 'conv/conv2d_naive_dx.wgsl', params: CONV_PARAMS, inputs: ['dy', 'w'], outputs: ['dx'], overrides: ['WG'] });
const CONV_NAIVE_DW = defineKernel({ file: 'conv/conv2d_naive_dw.wgsl', params: CONV_PARAMS, inputs: ['dy', 'x'], outputs: ['dw'], overrides: ['WG'] });

export type ConvImpl = 'naive';

export interface Conv2dCallOptions extends Conv2dOptions {
  impl?: ConvImpl;
}

function forwardKernel(g: ConvGeometry, x: Tensor, w: Tensor, b: Tensor | null): Tensor {
  const y = output([g.N, g.O, g.OH, g.OW], 'conv2d');
  // Without a bias the kernel still needs a buffer bound there; it reads nothing from it.
  const bias = b ?? zeros([1]);
  launch('conv2d', CONV_NAIVE, { params: { ...g, hasBias: b ? 1 : 0 }, inputs: [x, w, bias], outputs: [y], workgroups: grid1d(y.size, 64) });
  if (!b) bias.dispose();
  return y;
}

export function conv2dInputGrad(g: ConvGeometry, dy: Tensor, w: Tensor): Tensor {
  const dx = output([g.N, g.C, g.H, g.W], 'conv2d dX');
  launch('conv2d dX', CONV_NAIVE_DX, { params: { ...g }, inputs: [dy, w], outputs: [dx], workgroups: grid1d(dx.size, 64) });
  return dx;
}

export function conv2dWeightGrad(g: ConvGeometry, dy: Tensor, x: Tensor): Tensor {
  const dw = output([g.O, g.C / g.groups, g.KH, g.KW], 'conv2d dW');
  launch('conv2d dW', CONV_NAIVE_DW, { params: { ...g }, inputs: [dy, x], outputs: [dw], workgroups: grid1d(dw.size, 64) });
  return dw;
}

/** db[o] = Σ_{n, oh, ow} dy[n, o, oh, ow] */
function biasGrad(g: ConvGeometry, dy: Tensor): Tensor {
  return sum(sum(reshape(dy, [g.N, g.O, g.OH * g.OW]), 2), 0);
}

/** torch.nn.functional.conv2d: y = conv(x, w) + b. */
export function conv2d(x: Tensor, w: Tensor, b: Tensor | null = null, opts: Conv2dCallOptions = {}): Tensor {
  const g = convGeometry(x.shape, w.shape, opts);
  const y = forwardKernel(g, x, w, b);
  const parents = b ? [x, w, b] : [x, w];
  return record(y, 'conv2d', parents, (dy) => [
    x.requiresGrad ? conv2dInputGrad(g, dy, w) : null,
    w.requiresGrad ? conv2dWeightGrad(g, dy, x) : null,
    b?.requiresGrad ? biasGrad(g, dy) : null,
  ]);
}
