// Rung 2 of the convolution ladder: im2col + matmul. The input is unrolled into a matrix with one
// row per output pixel (shaders/conv/im2col.wgsl), so every direction becomes one matmul; the
// input gradient folds the column gradient back with a gather (col2im.wgsl).

import { defineKernel } from '../../gpu/kernelDecl.js';
import { runtime } from '../../gpu/runtime.js';
import { noGrad } from '../../tensor/autograd.js';
import type { Tensor } from '../../tensor/tensor.js';
import { CONV_PARAMS, type ConvGeometry } from '../convGeometry.js';
import { add } from '../elementwise.js';
import { grid1d, launch, output } from '../launch.js';
import { assign, permute, reshape } from '../layout.js';
import { matmul } from '../matmul.js';

const IM2COL = defineKernel({ file: 'conv/im2col.wgsl', params: CONV_PARAMS, inputs: ['x'], outputs: ['cols'], overrides: ['WG'] });
const COL2IM = defineKernel({ file: 'conv/col2im.wgsl', params: CONV_PARAMS, inputs: ['dcols'], outputs: ['dx'], overrides: ['WG'] });

export const im2colKernels = { forward: [IM2COL.file, '(matmul)'], inputGrad: ['(matmul)', COL2IM.file], weightGrad: [IM2COL.file, '(matmul)'] };

/** Why im2col cannot run this geometry, or null. */
export function im2colIneligible(g: ConvGeometry): string | null {
  if (g.groups !== 1) return `groups = ${g.groups} (im2col + matmul does dense convolutions only)`;
  const bytes = g.N * g.OH * g.OW * g.C * g.KH * g.KW * 4;
  const limit = runtime().device.limits.maxStorageBufferBindingSize;
  if (bytes > limit) return `its column matrix [${g.N * g.OH * g.OW}, ${g.C * g.KH * g.KW}] needs ${bytes} bytes; one binding holds ${limit}`;
  return null;
}

/** cols[q, k]: the input as a matrix, one row per output pixel (im2col.wgsl). */
function im2col(g: ConvGeometry, x: Tensor): Tensor {
  const cols = output([g.N * g.OH * g.OW, g.C * g.KH * g.KW], 'conv2d im2col');
  launch('conv2d im2col', IM2COL, { params: { ...g }, inputs: [x], outputs: [cols], workgroups: grid1d(cols.size) });
  return cols;
}

/** Copies a result computed into a temporary into the op's output tensor (same size). */
function copyInto(src: Tensor, dst: Tensor): void {
  assign(dst, reshape(src, dst.shape));
}

export function im2colForward(g: ConvGeometry, x: Tensor, w: Tensor, b: Tensor | null): Tensor {
  const y = output([g.N, g.O, g.OH, g.OW], 'conv2d');
  // y[q, o] = Σ_k cols[q, k] · w[o, k], then [N, OH·OW, O] → NCHW (+ bias).
  const yq = noGrad(() => {
    const cols = im2col(g, x);
    const prod = matmul(cols, reshape(w, [g.O, g.C * g.KH * g.KW]), { transB: true });
    const nchw = permute(reshape(prod, [g.N, g.OH * g.OW, g.O]), [0, 2, 1]);
    return b ? add(nchw, reshape(b, [g.O, 1])) : nchw;
  });
  copyInto(yq, y);
  yq.dispose();
  return y;
}

export function im2colInputGrad(g: ConvGeometry, dy: Tensor, w: Tensor): Tensor {
  const dx = output([g.N, g.C, g.H, g.W], 'conv2d dX');
  // dcols[q, k] = Σ_o dy[q, o] · w[o, k], then summed back into image layout.
  noGrad(() => {
    const dyq = reshape(permute(dy, [0, 2, 3, 1]), [g.N * g.OH * g.OW, g.O]);
    const dcols = matmul(dyq, reshape(w, [g.O, g.C * g.KH * g.KW]));
    launch('conv2d dX', COL2IM, { params: { ...g }, inputs: [dcols], outputs: [dx], workgroups: grid1d(dx.size) });
    dyq.dispose();
    dcols.dispose();
  });
  return dx;
}

export function im2colWeightGrad(g: ConvGeometry, dy: Tensor, x: Tensor): Tensor {
  const dw = output([g.O, g.C / g.groups, g.KH, g.KW], 'conv2d dW');
  // dw[o, k] = Σ_q dy[q, o] · cols[q, k]
  const prod = noGrad(() => {
    const cols = im2col(g, x);
    const dyq = reshape(permute(dy, [0, 2, 3, 1]), [g.N * g.OH * g.OW, g.O]);
    return matmul(dyq, cols, { transA: true });
  });
  copyInto(prod, dw);
  prod.dispose();
  return dw;
}
