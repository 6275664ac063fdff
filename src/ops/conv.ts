// conv2d: forward, gradient of input, weight and bias. PyTorch's meaning at the API: NCHW input,
// OIHW weight, stride / padding / dilation as a number or [h, w], groups (depthwise when
// groups = C). The naive kernels are the specification; faster versions join them here.

import { WgslnetError } from '../gpu/errors.js';
import { runtime } from '../gpu/runtime.js';
import { defineKernel } from '../gpu/kernelDecl.js';
import { noGrad, record } from '../tensor/autograd.js';
import type { Tensor } from '../tensor/tensor.js';
import { zeros } from './creation.js';
import { CONV_PARAMS, convGeometry, type Conv2dOptions, type ConvGeometry } from './convGeometry.js';
import { grid1d, launch, output } from './launch.js';
import { assign, permute, reshape, transpose } from './layout.js';
import { add } from './elementwise.js';
import { matmul } from './matmul.js';
import { sum } from './reduce.js';

const CONV_NAIVE = defineKernel({
  file: 'conv/conv2d_naive.wgsl',
  params: { ...CONV_PARAMS, hasBias: 'u32' },
  inputs: ['x', 'w', 'b'],
  outputs: ['y'],
  overrides: ['WG'],
});
const CONV_IMPLICIT = defineKernel({
  file: 'conv/conv2d_implicit.wgsl',
  params: { ...CONV_PARAMS, hasBias: 'u32' },
  inputs: ['x', 'wt', 'b'],
  outputs: ['y'],
});
const CONV_IMPLICIT_DX = defineKernel({ file: 'conv/conv2d_implicit_dx.wgsl', params: CONV_PARAMS, inputs: ['dy', 'wp'], outputs: ['dx'], overrides: ['UNIT_STRIDE'] });
const CONV_IMPLICIT_DW = defineKernel({ file: 'conv/conv2d_implicit_dw.wgsl', params: CONV_PARAMS, inputs: ['x', 'dyt'], outputs: ['dw'] });
const IM2COL = defineKernel({ file: 'conv/im2col.wgsl', params: CONV_PARAMS, inputs: ['x'], outputs: ['cols'], overrides: ['WG'] });
const COL2IM = defineKernel({ file: 'conv/col2im.wgsl', params: CONV_PARAMS, inputs: ['dcols'], outputs: ['dx'], overrides: ['WG'] });
const CONV_NAIVE_DX = defineKernel({ file: 'conv/conv2d_naive_dx.wgsl', params: CONV_PARAMS, inputs: ['dy', 'w'], outputs: ['dx'], overrides: ['WG'] });
const CONV_NAIVE_DW = defineKernel({ file: 'conv/conv2d_naive_dw.wgsl', params: CONV_PARAMS, inputs: ['dy', 'x'], outputs: ['dw'], overrides: ['WG'] });

export type ConvImpl = 'naive' | 'im2col' | 'implicit' | 'auto';

/**
 * Below this output width `auto` runs im2col + matmul: the implicit kernels give each workgroup
 * rows of 8 output pixels, so a 7×7 or 4×4 map leaves most lanes idle, while im2col's matmul tiles
 * over N·OH·OW rows and stays full. Measured on lavapipe, ResNet-18 training at 28 px, batch 64:
 * 7.4 images/s all-implicit, 17.8 with this threshold (16.4 with 8).
 */
const SMALL_MAP_WIDTH = 16;

/** Whether the im2col column matrix [N·OH·OW, C·KH·KW] fits in one storage binding. */
function im2colFits(g: ConvGeometry): boolean {
  const bytes = g.N * g.OH * g.OW * g.C * g.KH * g.KW * 4;
  return bytes <= runtime().device.limits.maxStorageBufferBindingSize;
}

/**
 * Which version runs: naive and im2col as asked (im2col needs groups = 1, else naive). `auto`:
 * im2col on small maps (see SMALL_MAP_WIDTH), else implicit GEMM where it applies (groups = 1,
 * the vec4 channel count % 4 = 0), else naive.
 */
function pick(impl: ConvImpl, eligible: boolean, what: string, g: ConvGeometry): 'naive' | 'im2col' | 'implicit' {
  if (impl === 'naive') return 'naive';
  if (impl === 'im2col') return g.groups === 1 ? 'im2col' : 'naive';
  if (impl === 'auto' && g.groups === 1 && g.OW < SMALL_MAP_WIDTH && im2colFits(g)) return 'im2col';
  if (eligible) return 'implicit';
  if (impl === 'implicit') throw new WgslnetError(`conv2d: the implicit-GEMM ${what} kernel needs groups = 1 and a channel count divisible by 4; use impl 'naive' or 'auto'`);
  return 'naive';
}

export interface Conv2dCallOptions extends Conv2dOptions {
  impl?: ConvImpl;
}

function forwardKernel(g: ConvGeometry, x: Tensor, w: Tensor, b: Tensor | null, impl: ConvImpl): Tensor {
  const y = output([g.N, g.O, g.OH, g.OW], 'conv2d');
  // Without a bias the kernel still needs a buffer bound there; it reads nothing from it.
  const bias = b ?? zeros([1]);
  const params = { ...g, hasBias: b ? 1 : 0 };
  const version = pick(impl, g.groups === 1 && g.O % 4 === 0, 'forward', g);
  if (version === 'im2col') {
    // y[q, o] = Σ_k cols[q, k] · w[o, k], then [N, OH·OW, O] → NCHW (+ bias).
    const yq = noGrad(() => {
      const cols = im2col(g, x);
      const prod = matmul(cols, reshape(w, [g.O, g.C * g.KH * g.KW]), { transB: true });
      const nchw = permute(reshape(prod, [g.N, g.OH * g.OW, g.O]), [0, 2, 1]);
      return b ? add(nchw, reshape(b, [g.O, 1])) : nchw;
    });
    launchCopy(yq, y);
    yq.dispose();
  } else if (version === 'implicit') {
    // Wt[k, o] = w[o, k]: one small copy so each invocation reads 4 output channels as a vec4.
    const wt = noGrad(() => transpose(reshape(w, [g.O, g.C * g.KH * g.KW])));
    launch('conv2d', CONV_IMPLICIT, { params, inputs: [x, wt, bias], outputs: [y], workgroups: [Math.ceil(g.O / 32), g.OH * Math.ceil(g.OW / 8), g.N] });
    wt.dispose();
  } else {
    launch('conv2d', CONV_NAIVE, { params, inputs: [x, w, bias], outputs: [y], workgroups: grid1d(y.size, 64) });
  }
  if (!b) bias.dispose();
  return y;
}

export function conv2dInputGrad(g: ConvGeometry, dy: Tensor, w: Tensor, impl: ConvImpl = 'auto'): Tensor {
  const dx = output([g.N, g.C, g.H, g.W], 'conv2d dX');
  const version = pick(impl, g.groups === 1 && g.C % 4 === 0, 'dX', g);
  if (version === 'im2col') {
    // dcols[q, k] = Σ_o dy[q, o] · w[o, k], then summed back into image layout.
    noGrad(() => {
      const dyq = reshape(permute(dy, [0, 2, 3, 1]), [g.N * g.OH * g.OW, g.O]);
      const dcols = matmul(dyq, reshape(w, [g.O, g.C * g.KH * g.KW]));
      launch('conv2d dX', COL2IM, { params: { ...g }, inputs: [dcols], outputs: [dx], workgroups: grid1d(dx.size) });
      dyq.dispose();
      dcols.dispose();
    });
  } else if (version === 'implicit') {
    // w as [O, KH, KW, C]: each invocation reads 4 input channels of one tap as a vec4.
    const wp = noGrad(() => permute(w, [0, 2, 3, 1]));
    launch('conv2d dX', CONV_IMPLICIT_DX, {
      params: { ...g },
      inputs: [dy, wp],
      outputs: [dx],
      workgroups: [Math.ceil(g.C / 32), g.H * Math.ceil(g.W / 8), g.N],
      overrides: { UNIT_STRIDE: g.strideH === 1 && g.strideW === 1 ? 1 : 0 },
    });
    wp.dispose();
  } else {
    launch('conv2d dX', CONV_NAIVE_DX, { params: { ...g }, inputs: [dy, w], outputs: [dx], workgroups: grid1d(dx.size, 64) });
  }
  return dx;
}

export function conv2dWeightGrad(g: ConvGeometry, dy: Tensor, x: Tensor, impl: ConvImpl = 'auto'): Tensor {
  const dw = output([g.O, g.C / g.groups, g.KH, g.KW], 'conv2d dW');
  const version = pick(impl, g.groups === 1 && g.O % 4 === 0, 'dW', g);
  if (version === 'im2col') {
    // dw[o, k] = Σ_q dy[q, o] · cols[q, k]
    const prod = noGrad(() => {
      const cols = im2col(g, x);
      const dyq = reshape(permute(dy, [0, 2, 3, 1]), [g.N * g.OH * g.OW, g.O]);
      return matmul(dyq, cols, { transA: true });
    });
    launchCopy(prod, dw);
    prod.dispose();
  } else if (version === 'implicit') {
    // dy as NHWC: each invocation reads 4 output channels of one pixel as a vec4.
    const dyt = noGrad(() => permute(dy, [0, 2, 3, 1]));
    const K = g.C * g.KH * g.KW;
    launch('conv2d dW', CONV_IMPLICIT_DW, { params: { ...g }, inputs: [x, dyt], outputs: [dw], workgroups: [Math.ceil(g.O / 32), Math.ceil(K / 8), 1] });
    dyt.dispose();
  } else {
    launch('conv2d dW', CONV_NAIVE_DW, { params: { ...g }, inputs: [dy, x], outputs: [dw], workgroups: grid1d(dw.size, 64) });
  }
  return dw;
}

/** cols[q, k]: the input as a matrix, one row per output pixel (im2col.wgsl). */
function im2col(g: ConvGeometry, x: Tensor): Tensor {
  const cols = output([g.N * g.OH * g.OW, g.C * g.KH * g.KW], 'conv2d im2col');
  launch('conv2d im2col', IM2COL, { params: { ...g }, inputs: [x], outputs: [cols], workgroups: grid1d(cols.size) });
  return cols;
}

/** Copies a result computed into a temporary into the op's output tensor (same size). */
function launchCopy(src: Tensor, dst: Tensor): void {
  assign(dst, reshape(src, dst.shape));
}

/** db[o] = Σ_{n, oh, ow} dy[n, o, oh, ow] */
function biasGrad(g: ConvGeometry, dy: Tensor): Tensor {
  return sum(sum(reshape(dy, [g.N, g.O, g.OH * g.OW]), 2), 0);
}

/** torch.nn.functional.conv2d: y = conv(x, w) + b. */
export function conv2d(x: Tensor, w: Tensor, b: Tensor | null = null, opts: Conv2dCallOptions = {}): Tensor {
  const g = convGeometry(x.shape, w.shape, opts);
  const impl = opts.impl ?? 'auto';
  const y = forwardKernel(g, x, w, b, impl);
  const parents = b ? [x, w, b] : [x, w];
  return record(y, 'conv2d', parents, (dy) => [
    // (An explicit 'implicit' falls back per direction where that kernel cannot run.)
    x.requiresGrad ? conv2dInputGrad(g, dy, w, impl === 'implicit' ? 'auto' : impl) : null,
    w.requiresGrad ? conv2dWeightGrad(g, dy, x, impl === 'implicit' ? 'auto' : impl) : null,
    b?.requiresGrad ? biasGrad(g, dy) : null,
  ]);
}
