// Convolution geometry shared by the conv and pooling ops: PyTorch's argument forms (a number or
// an [h, w] pair), output sizes, and the Params every conv kernel takes.

import { shapeStr, WgslnetError } from '../gpu/errors.js';

export type Pair = number | readonly [number, number];

export function pair(name: string, op: string, v: Pair | undefined, dflt: number): [number, number] {
  const p: [number, number] = v === undefined ? [dflt, dflt] : typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if (!p.every((d) => Number.isInteger(d) && d >= 0)) throw new WgslnetError(`${op}: ${name} must be a non-negative integer or an [h, w] pair, got ${JSON.stringify(v)}`);
  return p;
}

/** out = floor((in + 2·pad − dil·(k − 1) − 1) / stride) + 1, as in torch.nn.Conv2d. */
export function outSize(inSize: number, k: number, stride: number, pad: number, dil: number): number {
  return Math.floor((inSize + 2 * pad - dil * (k - 1) - 1) / stride) + 1;
}

export interface Conv2dOptions {
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  groups?: number;
}

export interface ConvGeometry {
  N: number; C: number; H: number; W: number;
  O: number; OH: number; OW: number; groups: number;
  KH: number; KW: number; strideH: number; strideW: number;
  padH: number; padW: number; dilH: number; dilW: number;
}

export function convGeometry(xShape: readonly number[], wShape: readonly number[], opts: Conv2dOptions): ConvGeometry {
  if (xShape.length !== 4) throw new WgslnetError(`conv2d: input must be NCHW (rank 4), got ${shapeStr(xShape)}`);
  if (wShape.length !== 4) throw new WgslnetError(`conv2d: weight must be OIHW (rank 4), got ${shapeStr(wShape)}`);
  const [N, C, H, W] = xShape as [number, number, number, number];
  const [O, Cg, KH, KW] = wShape as [number, number, number, number];
  const groups = opts.groups ?? 1;
  const [strideH, strideW] = pair('stride', 'conv2d', opts.stride, 1);
  const [padH, padW] = pair('padding', 'conv2d', opts.padding, 0);
  const [dilH, dilW] = pair('dilation', 'conv2d', opts.dilation, 1);
  if (!Number.isInteger(groups) || groups < 1 || C % groups || O % groups) {
    throw new WgslnetError(`conv2d: groups = ${groups} must divide both input channels (${C}) and output channels (${O})`);
  }
  if (Cg !== C / groups) {
    throw new WgslnetError(`conv2d: weight ${shapeStr(wShape)} expects ${Cg * groups} input channels (groups = ${groups}), input ${shapeStr(xShape)} has ${C}`);
  }
  if (strideH < 1 || strideW < 1 || dilH < 1 || dilW < 1) throw new WgslnetError('conv2d: stride and dilation must be ≥ 1');
  const OH = outSize(H, KH, strideH, padH, dilH);
  const OW = outSize(W, KW, strideW, padW, dilW);
  if (OH < 1 || OW < 1) {
    throw new WgslnetError(`conv2d: input ${shapeStr(xShape)} is too small for kernel ${KH}×${KW} (padding ${padH},${padW}, dilation ${dilH},${dilW}): output would be ${OH}×${OW}`);
  }
  return { N, C, H, W, O, OH, OW, groups, KH, KW, strideH, strideW, padH, padW, dilH, dilW };
}

/** The uniform members every conv kernel declares, in this order. */
export const CONV_PARAMS = {
  N: 'u32', C: 'u32', H: 'u32', W: 'u32',
  O: 'u32', OH: 'u32', OW: 'u32', groups: 'u32',
  KH: 'u32', KW: 'u32', strideH: 'u32', strideW: 'u32',
  padH: 'u32', padW: 'u32', dilH: 'u32', dilW: 'u32',
} as const;

/** Multiply-adds × 2 of one direction (forward, input gradient or weight gradient: all equal). */
export function convFlops(g: ConvGeometry): number {
  return 2 * g.N * g.O * g.OH * g.OW * (g.C / g.groups) * g.KH * g.KW;
}
