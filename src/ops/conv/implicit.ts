// Rung 3 of the convolution ladder: implicit GEMM. The im2col matrix is never written: each
// invocation computes a register block of the output and reads the input where im2col would have
// put it (shaders/conv/conv2d_implicit*.wgsl). The fast kernels on GPUs.

import { defineKernel } from '../../gpu/kernelDecl.js';
import { noGrad } from '../../tensor/autograd.js';
import type { Tensor } from '../../tensor/tensor.js';
import { zeros } from '../creation.js';
import { CONV_PARAMS, convFlops, type ConvGeometry } from '../convGeometry.js';
import { launch, output } from '../launch.js';
import { permute, reshape, transpose } from '../layout.js';

const CONV_IMPLICIT = defineKernel({
  file: 'conv/conv2d_implicit.wgsl',
  params: { ...CONV_PARAMS, hasBias: 'u32' },
  inputs: ['x', 'wt', 'b'],
  outputs: ['y'],
});
const CONV_IMPLICIT_DX = defineKernel({ file: 'conv/conv2d_implicit_dx.wgsl', params: CONV_PARAMS, inputs: ['dy', 'wp'], outputs: ['dx'], overrides: ['UNIT_STRIDE'] });
const CONV_IMPLICIT_DW = defineKernel({ file: 'conv/conv2d_implicit_dw.wgsl', params: CONV_PARAMS, inputs: ['x', 'dyt'], outputs: ['dw'] });

export const implicitKernels = { forward: [CONV_IMPLICIT.file], inputGrad: [CONV_IMPLICIT_DX.file], weightGrad: [CONV_IMPLICIT_DW.file] };

/** Why a direction's implicit kernel cannot run (it reads 4 channels as one vec4), or null. */
export function implicitIneligible(g: ConvGeometry, direction: 'forward' | 'inputGrad' | 'weightGrad'): string | null {
  if (g.groups !== 1) return `groups = ${g.groups} (the implicit-GEMM kernels do dense convolutions only)`;
  if (direction === 'inputGrad' && g.C % 4 !== 0) return `input channels ${g.C} are not a multiple of 4 (the input-gradient kernel reads them as vec4)`;
  if (direction !== 'inputGrad' && g.O % 4 !== 0) return `output channels ${g.O} are not a multiple of 4 (the kernel reads them as vec4)`;
  return null;
}

export function implicitForward(g: ConvGeometry, x: Tensor, w: Tensor, b: Tensor | null): Tensor {
  const y = output([g.N, g.O, g.OH, g.OW], 'conv2d');
  const bias = b ?? zeros([1]);
  // Wt[k, o] = w[o, k]: one small copy so each invocation reads 4 output channels as a vec4.
  const wt = noGrad(() => transpose(reshape(w, [g.O, g.C * g.KH * g.KW])));
  launch('conv2d', CONV_IMPLICIT, { params: { ...g, hasBias: b ? 1 : 0 }, inputs: [x, wt, bias], outputs: [y], workgroups: [Math.ceil(g.O / 32), g.OH * Math.ceil(g.OW / 8), g.N], flops: convFlops(g) });
  wt.dispose();
  if (!b) bias.dispose();
  return y;
}

export function implicitInputGrad(g: ConvGeometry, dy: Tensor, w: Tensor): Tensor {
  const dx = output([g.N, g.C, g.H, g.W], 'conv2d dX');
  // w as [O, KH, KW, C]: each invocation reads 4 input channels of one tap as a vec4.
  const wp = noGrad(() => permute(w, [0, 2, 3, 1]));
  launch('conv2d dX', CONV_IMPLICIT_DX, {
    params: { ...g },
    inputs: [dy, wp],
    outputs: [dx],
    workgroups: [Math.ceil(g.C / 32), g.H * Math.ceil(g.W / 8), g.N],
    overrides: { UNIT_STRIDE: g.strideH === 1 && g.strideW === 1 ? 1 : 0 },
    flops: convFlops(g),
  });
  wp.dispose();
  return dx;
}

export function implicitWeightGrad(g: ConvGeometry, dy: Tensor, x: Tensor): Tensor {
  const dw = output([g.O, g.C, g.KH, g.KW], 'conv2d dW');
  // dy as NHWC: each invocation reads 4 output channels of one pixel as a vec4.
  const dyt = noGrad(() => permute(dy, [0, 2, 3, 1]));
  const K = g.C * g.KH * g.KW;
  launch('conv2d dW', CONV_IMPLICIT_DW, { params: { ...g }, inputs: [x, dyt], outputs: [dw], workgroups: [Math.ceil(g.O / 32), Math.ceil(K / 8), 1], flops: convFlops(g) });
  dyt.dispose();
  return dw;
}
