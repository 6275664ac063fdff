// conv2d: every implementation, forward against the f64 reference and backward (input, weight,
// bias) against finite differences, over stride, padding, dilation, groups and odd sizes.

import { beforeAll, describe, expect, it } from 'vitest';
import { F, zeros } from '../src/node/index.js';
import { conv2d as refConv } from '../src/reference/conv.js';
import { checkOp } from './helpers/opcheck.js';
import { convGeometry } from '../src/ops/convGeometry.js';
import { convRung } from '../src/ops/convLadder.js';
import { setupGpu } from './helpers/gpu.js';

beforeAll(setupGpu);

interface Case {
  x: [number, number, number, number];
  o: number;
  k: [number, number];
  stride?: [number, number];
  padding?: [number, number];
  dilation?: [number, number];
  groups?: number;
  bias?: boolean;
}

export const CONV_CASES: Case[] = [
  { x: [1, 1, 1, 1], o: 1, k: [1, 1] },
  { x: [2, 3, 7, 7], o: 4, k: [3, 3], padding: [1, 1], bias: true },
  { x: [1, 3, 9, 8], o: 5, k: [3, 3], stride: [2, 2], padding: [1, 1] },
  { x: [2, 2, 11, 11], o: 3, k: [7, 7], stride: [2, 2], padding: [3, 3], bias: true },
  { x: [1, 4, 6, 5], o: 6, k: [1, 1], stride: [2, 2] },
  { x: [1, 2, 9, 9], o: 2, k: [3, 3], dilation: [2, 2], padding: [2, 2] },
  { x: [1, 4, 5, 6], o: 6, k: [3, 2], groups: 2, padding: [1, 0], bias: true },
  { x: [2, 4, 6, 6], o: 4, k: [3, 3], groups: 4, padding: [1, 1] }, // depthwise
  { x: [1, 3, 5, 7], o: 2, k: [2, 3], stride: [1, 2], padding: [0, 1], dilation: [2, 1] },
  { x: [3, 5, 4, 4], o: 7, k: [3, 3] },
  { x: [2, 3, 13, 19], o: 36, k: [3, 3], padding: [1, 1], bias: true },
  { x: [1, 8, 10, 17], o: 8, k: [3, 3], stride: [2, 2], padding: [1, 1] },
  { x: [2, 5, 9, 9], o: 12, k: [1, 1], stride: [2, 2] },
  { x: [2, 4, 7, 7], o: 8, k: [3, 3], padding: [1, 1] },
  { x: [1, 4, 9, 9], o: 4, k: [3, 3], dilation: [2, 2], padding: [2, 2], bias: true },
  { x: [1, 8, 6, 11], o: 4, k: [1, 1], stride: [2, 2] },
  { x: [2, 4, 11, 11], o: 8, k: [7, 7], stride: [2, 2], padding: [3, 3] },
  { x: [1, 4, 5, 9], o: 4, k: [2, 3], stride: [2, 1], padding: [1, 1] },
];

describe('conv2d', () => {
  for (const c of CONV_CASES) {
    const groups = c.groups ?? 1;
    const wShape = [c.o, c.x[1] / groups, ...c.k];
    const opts = { stride: c.stride ?? [1, 1], padding: c.padding ?? [0, 0], dilation: c.dilation ?? [1, 1], groups } as const;
    for (const impl of ['naive', 'im2col', 'implicit', 'panel'] as const) {
    it(`${impl} x${JSON.stringify(c.x)} w${JSON.stringify(wShape)} ${JSON.stringify(opts)}${c.bias ? ' +bias' : ''}`, () =>
      // A rung that cannot run the shape must refuse (convLadder.test.ts checks the reason).
      convRung(impl).eligible(convGeometry(c.x, wShape, opts)) !== true
        ? expect(() => F.conv2d(zeros(c.x), zeros(wShape), null, { ...opts, impl })).toThrow(/cannot run/)
        : checkOp({
        name: 'conv2d',
        inputs: [{ shape: c.x, grad: true }, { shape: wShape, grad: true }, ...(c.bias ? [{ shape: [c.o], grad: true }] : [])],
        gpu: (x, w, b) => F.conv2d(x!, w!, b ?? null, { ...opts, impl }),
        ref: (x, w, b) => refConv(x!, c.x, w!, wShape, b ?? null, { ...opts, stride: [...opts.stride], padding: [...opts.padding], dilation: [...opts.dilation] }),
        rtol: 1e-5,
        atol: 1e-4,
        refKey: `conv2d ${JSON.stringify(opts)}`, // the four rungs share one reference
      }));
    }
  }
  it('bad arguments are named', () => {
    const x = zeros([1, 4, 5, 5]);
    expect(() => F.conv2d(x, zeros([2, 3, 3, 3]))).toThrow(/weight \[2, 3, 3, 3\] expects 3 input channels \(groups = 1\), input \[1, 4, 5, 5\] has 4/);
    expect(() => F.conv2d(x, zeros([3, 2, 3, 3]), null, { groups: 2 })).toThrow(/groups = 2 must divide both input channels \(4\) and output channels \(3\)/);
    expect(() => F.conv2d(x, zeros([2, 4, 7, 7]))).toThrow(/too small for kernel 7×7/);
    expect(() => F.conv2d(zeros([4, 5, 5]), zeros([2, 4, 3, 3]))).toThrow(/input must be NCHW \(rank 4\), got \[4, 5, 5\]/);
  });
});
