// Rung 1 of the convolution ladder: direct loops, one invocation per output element. The
// specification every faster rung is tested against (shaders/conv/conv2d_naive*.wgsl).

import { defineKernel } from '../../gpu/kernelDecl.js';
import type { Tensor } from '../../tensor/tensor.js';
import { zeros } from '../creation.js';
import { CONV_PARAMS, convFlops, type ConvGeometry } from '../convGeometry.js';
import { grid1d, launch, output } from '../launch.js';

const CONV_NAIVE = defineKernel({
  file: 'conv/conv2d_naive.wgsl',
  params: { ...CONV_PARAMS, hasBias: 'u32' },
  inputs: ['x', 'w', 'b'],
  outputs: ['y'],
  overrides: ['WG'],
});
const CONV_NAIVE_DX = defineKernel({ file: 'conv/conv2d_naive_dx.wgsl', params: CONV_PARAMS, inputs: ['dy', 'w'], outputs: ['dx'], overrides: ['WG'] });
const CONV_NAIVE_DW = defineKernel({ file: 'conv/conv2d_naive_dw.wgsl', params: CONV_PARAMS, inputs: ['dy', 'x'], outputs: ['dw'], overrides: ['WG'] });

export const naiveKernels = { forward: [CONV_NAIVE.file], inputGrad: [CONV_NAIVE_DX.file], weightGrad: [CONV_NAIVE_DW.file] };

export function naiveForward(g: ConvGeometry, x: Tensor, w: Tensor, b: Tensor | null): Tensor {
  const y = output([g.N, g.O, g.OH, g.OW], 'conv2d');
  // Without a bias the kernel still needs a buffer bound there; it reads nothing from it.
  const bias = b ?? zeros([1]);
  launch('conv2d', CONV_NAIVE, { params: { ...g, hasBias: b ? 1 : 0 }, inputs: [x, w, bias], outputs: [y], workgroups: grid1d(y.size, 64), flops: convFlops(g) });
  if (!b) bias.dispose();
  return y;
}

export function naiveInputGrad(g: ConvGeometry, dy: Tensor, w: Tensor): Tensor {
  const dx = output([g.N, g.C, g.H, g.W], 'conv2d dX');
  launch('conv2d dX', CONV_NAIVE_DX, { params: { ...g }, inputs: [dy, w], outputs: [dx], workgroups: grid1d(dx.size, 64), flops: convFlops(g) });
  return dx;
}

export function naiveWeightGrad(g: ConvGeometry, dy: Tensor, x: Tensor): Tensor {
  const dw = output([g.O, g.C / g.groups, g.KH, g.KW], 'conv2d dW');
  launch('conv2d dW', CONV_NAIVE_DW, { params: { ...g }, inputs: [dy, x], outputs: [dw], workgroups: grid1d(dw.size, 64), flops: convFlops(g) });
  return dw;
}
