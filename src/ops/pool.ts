// Pooling: maxPool2d, avgPool2d (fixed windows), adaptiveMaxPool2d, adaptiveAvgPool2d, and
// fastai's AdaptiveConcatPool2d (max then avg, concatenated on channels). One kernel pair serves
// all of them: OP picks max or average, ADAPTIVE picks the window rule.

import { shapeStr, WgslnetError } from '../gpu/errors.js';
import { defineKernel } from '../gpu/kernelDecl.js';
import { record } from '../tensor/autograd.js';
import type { Tensor } from '../tensor/tensor.js';
import { outSize, pair, type Pair } from './convGeometry.js';
import { fillTensor, grid1d, launch, output } from './launch.js';
import { cat } from './layout.js';

const POOL_PARAMS = {
  planes: 'u32', H: 'u32', W: 'u32', OH: 'u32',
  OW: 'u32', KH: 'u32', KW: 'u32', strideH: 'u32',
  strideW: 'u32', padH: 'u32', padW: 'u32', countPad: 'u32',
  dilH: 'u32', dilW: 'u32',
} as const;
const POOL = defineKernel({ file: 'pool/pool2d.wgsl', params: POOL_PARAMS, inputs: ['x'], outputs: ['y', 'argmax'], overrides: ['WG', 'OP', 'ADAPTIVE'] });
const POOL_BACKWARD = defineKernel({ file: 'pool/pool2d_backward.wgsl', params: POOL_PARAMS, inputs: ['dy', 'argmax'], outputs: ['dx'], overrides: ['WG', 'OP', 'ADAPTIVE'] });
const MAXPOOL_SCATTER = defineKernel({
  file: 'pool/maxpool_backward_scatter.wgsl',
  params: { planes: 'u32', HW: 'u32', OH: 'u32', OW: 'u32', PH: 'u32', PW: 'u32', phaseH: 'u32', phaseW: 'u32', rows: 'u32', cols: 'u32' },
  inputs: ['dy', 'argmax'],
  outputs: ['dx'],
  overrides: ['WG'],
});

/**
 * A fixed-window max pool's backward as PH·PW scatter passes: windows ph apart in rows and pw apart
 * in columns never overlap (maxpool_backward_scatter.wgsl).
 */
function maxPoolBackward(op: string, p: PoolParams, dy: Tensor, argmax: Tensor, dx: Tensor): void {
  fillTensor(dx, 0);
  const PH = Math.ceil(((p.KH - 1) * p.dilH + 1) / p.strideH);
  const PW = Math.ceil(((p.KW - 1) * p.dilW + 1) / p.strideW);
  for (let phaseH = 0; phaseH < Math.min(PH, p.OH); phaseH++) {
    for (let phaseW = 0; phaseW < Math.min(PW, p.OW); phaseW++) {
      const rows = Math.ceil((p.OH - phaseH) / PH);
      const cols = Math.ceil((p.OW - phaseW) / PW);
      launch(op, MAXPOOL_SCATTER, {
        params: { planes: p.planes, HW: p.H * p.W, OH: p.OH, OW: p.OW, PH, PW, phaseH, phaseW, rows, cols },
        inputs: [dy, argmax],
        outputs: [dx],
        workgroups: grid1d(p.planes * rows * cols),
      });
    }
  }
}

type PoolParams = { [K in keyof typeof POOL_PARAMS]: number };

function pool(op: string, x: Tensor, kind: 'max' | 'avg', adaptive: boolean, p: Omit<PoolParams, 'planes' | 'H' | 'W'>): Tensor {
  if (x.rank !== 4) throw new WgslnetError(`${op}: input must be NCHW (rank 4), got ${shapeStr(x.shape)}`);
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const params: PoolParams = { planes: N * C, H, W, ...p };
  if (params.OH < 1 || params.OW < 1) throw new WgslnetError(`${op}: input ${shapeStr(x.shape)} gives an empty output ${params.OH}×${params.OW}`);
  const overrides = { OP: kind === 'max' ? 0 : 1, ADAPTIVE: adaptive ? 1 : 0 };
  const y = output([N, C, params.OH, params.OW], op);
  // Average pooling writes no argmax; a 1-element placeholder keeps the binding valid.
  const argmax = output(kind === 'max' ? y.shape : [1], op);
  launch(op, POOL, { params, inputs: [x], outputs: [y, argmax], workgroups: grid1d(y.size), overrides });
  return record(y, op, [x], (dy) => {
    const dx = output(x.shape, `${op} backward`);
    if (kind === 'max' && !adaptive) maxPoolBackward(`${op} backward`, params, dy, argmax, dx);
    else launch(`${op} backward`, POOL_BACKWARD, { params, inputs: [dy, argmax], outputs: [dx], workgroups: grid1d(dx.size), overrides });
    return [dx];
  });
}

export interface PoolOptions {
  /** Defaults to the kernel size, as in PyTorch. */
  stride?: Pair;
  padding?: Pair;
}

function fixedWindow(op: string, x: Tensor, kernelSize: Pair, opts: PoolOptions & { dilation?: Pair }) {
  const [KH, KW] = pair('kernelSize', op, kernelSize, 1);
  const [strideH, strideW] = pair('stride', op, opts.stride ?? [KH, KW], 1);
  const [padH, padW] = pair('padding', op, opts.padding, 0);
  const [dilH, dilW] = pair('dilation', op, opts.dilation, 1);
  if (padH > KH / 2 || padW > KW / 2) throw new WgslnetError(`${op}: padding (${padH}, ${padW}) must be at most half the kernel size (${KH}, ${KW})`);
  if (strideH < 1 || strideW < 1 || dilH < 1 || dilW < 1 || KH < 1 || KW < 1) throw new WgslnetError(`${op}: kernel size, stride and dilation must be ≥ 1`);
  const [H, W] = [x.shape[2] ?? 0, x.shape[3] ?? 0];
  return { OH: outSize(H, KH, strideH, padH, dilH), OW: outSize(W, KW, strideW, padW, dilW), KH, KW, strideH, strideW, padH, padW, dilH, dilW };
}

/** torch.nn.functional.max_pool2d (ceil_mode = False): kernel size, stride, padding and dilation each a number or an [h, w] pair. */
export function maxPool2d(x: Tensor, kernelSize: Pair, opts: PoolOptions & { dilation?: Pair } = {}): Tensor {
  return pool('maxPool2d', x, 'max', false, { ...fixedWindow('maxPool2d', x, kernelSize, opts), countPad: 0 });
}

/** torch.nn.functional.avg_pool2d (ceil_mode = False; countIncludePad defaults to true, as there). */
export function avgPool2d(x: Tensor, kernelSize: Pair, opts: PoolOptions & { countIncludePad?: boolean } = {}): Tensor {
  // (torch's avg_pool2d has no dilation: its windows are contiguous)
  const window = fixedWindow('avgPool2d', x, kernelSize, { stride: opts.stride, padding: opts.padding });
  return pool('avgPool2d', x, 'avg', false, { ...window, countPad: opts.countIncludePad === false ? 0 : 1 });
}

function adaptiveWindow(size: Pair) {
  const [OH, OW] = pair('outputSize', 'adaptive pool', size, 1);
  return { OH, OW, KH: 0, KW: 0, strideH: 1, strideW: 1, padH: 0, padW: 0, countPad: 0, dilH: 1, dilW: 1 };
}

export function adaptiveAvgPool2d(x: Tensor, outputSize: Pair): Tensor {
  return pool('adaptiveAvgPool2d', x, 'avg', true, adaptiveWindow(outputSize));
}

export function adaptiveMaxPool2d(x: Tensor, outputSize: Pair): Tensor {
  return pool('adaptiveMaxPool2d', x, 'max', true, adaptiveWindow(outputSize));
}

/** fastai's AdaptiveConcatPool2d: [adaptiveMax, adaptiveAvg] concatenated on channels (2C out). */
export function adaptiveConcatPool2d(x: Tensor, outputSize: Pair = 1): Tensor {
  return cat([adaptiveMaxPool2d(x, outputSize), adaptiveAvgPool2d(x, outputSize)], 1);
}
