// Pooling (fixed and adaptive, max and average), AdaptiveConcatPool2d, cat and narrow:
// forward against the f64 reference, backward against finite differences.

import { beforeAll, describe, expect, it } from 'vitest';
import { F, nn, tensor, zeros } from '../src/node/index.js';
import { pool2d } from '../src/reference/pool.js';
import { checkOp } from './helpers/opcheck.js';
import { setupGpu } from './helpers/gpu.js';

beforeAll(setupGpu);

describe('maxPool2d / avgPool2d', () => {
  const cases: { x: number[]; k: [number, number]; s?: [number, number]; p?: [number, number] }[] = [
    { x: [1, 1, 1, 1], k: [1, 1] },
    { x: [2, 3, 8, 8], k: [2, 2] },
    { x: [1, 2, 9, 7], k: [3, 3], s: [2, 2], p: [1, 1] }, // the ResNet stem pool
    { x: [2, 1, 7, 10], k: [3, 2], s: [1, 3], p: [1, 0] },
    { x: [1, 3, 5, 5], k: [5, 5] },
  ];
  for (const c of cases) {
    const opts = { stride: c.s, padding: c.p };
    it(`max ${JSON.stringify(c)}`, () =>
      checkOp({
        name: 'maxPool2d',
        inputs: [{ shape: c.x, grad: true, kind: 'distinct' }],
        gpu: (x) => F.maxPool2d(x!, c.k, opts),
        ref: (x) => pool2d(x!, c.x, { kind: 'max', kernel: c.k, stride: c.s, padding: c.p }),
      }));
    for (const countIncludePad of [true, false]) {
      it(`avg countIncludePad=${countIncludePad} ${JSON.stringify(c)}`, () =>
        checkOp({
          name: 'avgPool2d',
          inputs: [{ shape: c.x, grad: true }],
          gpu: (x) => F.avgPool2d(x!, c.k, { ...opts, countIncludePad }),
          ref: (x) => pool2d(x!, c.x, { kind: 'avg', kernel: c.k, stride: c.s, padding: c.p, countIncludePad }),
        }));
    }
  }
});

describe('dilated max pooling (nn.MaxPool2d with dilation)', () => {
  const cases: { x: number[]; k: [number, number]; s: [number, number]; p: [number, number]; d: [number, number] }[] = [
    { x: [1, 2, 9, 11], k: [3, 2], s: [2, 1], p: [1, 1], d: [2, 3] },
    { x: [2, 1, 8, 8], k: [2, 2], s: [1, 1], p: [0, 0], d: [2, 2] },
  ];
  for (const c of cases) {
    it(JSON.stringify(c), () =>
      checkOp({
        name: 'maxPool2d dilated',
        inputs: [{ shape: c.x, grad: true, kind: 'distinct' }],
        gpu: (x) => F.maxPool2d(x!, c.k, { stride: c.s, padding: c.p, dilation: c.d }),
        ref: (x) => pool2d(x!, c.x, { kind: 'max', kernel: c.k, stride: c.s, padding: c.p, dilation: c.d }),
      }));
  }
  it('by hand: a 2×2 window with dilation 2 takes the taps (i, j), (i, j+2), (i+2, j), (i+2, j+2)', async () => {
    const x = tensor(Array.from({ length: 25 }, (_, i) => i), [1, 1, 5, 5]);
    const y = new nn.MaxPool2d(2, { stride: 1, dilation: 2 }).forward(x); // numbers, not pairs, as torch takes them
    expect(y.shape).toEqual([1, 1, 3, 3]);
    expect(Array.from(await y.toArray())).toEqual([12, 13, 14, 17, 18, 19, 22, 23, 24]); // x[i + 2, j + 2]
    const avg = new nn.AvgPool2d([2, 1]).forward(x);
    expect(Array.from(await avg.toArray())).toEqual([2.5, 3.5, 4.5, 5.5, 6.5, 12.5, 13.5, 14.5, 15.5, 16.5]);
  });
});

describe('adaptive pooling', () => {
  const cases: [number[], [number, number]][] = [
    [[2, 3, 7, 7], [1, 1]],
    [[1, 2, 10, 7], [3, 4]],
    [[1, 1, 5, 3], [7, 6]], // upsampling windows overlap
    [[2, 2, 6, 6], [6, 6]],
  ];
  for (const [shape, out] of cases) {
    for (const kind of ['max', 'avg'] as const) {
      it(`${kind} ${JSON.stringify(shape)} → ${JSON.stringify(out)}`, () =>
        checkOp({
          name: `adaptive ${kind}`,
          inputs: [{ shape, grad: true, kind: 'distinct' }],
          gpu: (x) => (kind === 'max' ? F.adaptiveMaxPool2d(x!, out) : F.adaptiveAvgPool2d(x!, out)),
          ref: (x) => pool2d(x!, shape, { kind, out }),
        }));
    }
  }
  it('adaptiveConcatPool2d is [max, avg] on channels', () =>
    checkOp({
      name: 'adaptiveConcatPool2d',
      inputs: [{ shape: [2, 3, 5, 4], grad: true, kind: 'distinct' }],
      gpu: (x) => F.adaptiveConcatPool2d(x!),
      ref: (x) => {
        const mx = pool2d(x!, [2, 3, 5, 4], { kind: 'max', out: [1, 1] }).data;
        const av = pool2d(x!, [2, 3, 5, 4], { kind: 'avg', out: [1, 1] }).data;
        const data = new Float64Array(12);
        for (let n = 0; n < 2; n++) for (let c = 0; c < 3; c++) {
          data[n * 6 + c] = mx[n * 3 + c]!;
          data[n * 6 + 3 + c] = av[n * 3 + c]!;
        }
        return { data, shape: [2, 6, 1, 1] };
      },
    }));
  it('bad arguments are named', () => {
    expect(() => F.maxPool2d(zeros([1, 1, 4, 4]), 2, { padding: 2 })).toThrow(/padding \(2, 2\) must be at most half the kernel size/);
    expect(() => F.maxPool2d(zeros([4, 4]), 2)).toThrow(/input must be NCHW \(rank 4\), got \[4, 4\]/);
  });
});

describe('cat and narrow', () => {
  it('cat along a middle axis', () =>
    checkOp({
      name: 'cat',
      inputs: [{ shape: [2, 3, 4], grad: true }, { shape: [2, 1, 4], grad: true }, { shape: [2, 5, 4], grad: true }],
      gpu: (a, b, c) => F.cat([a!, b!, c!], 1),
      ref: (a, b, c) => {
        const out = new Float64Array(2 * 9 * 4);
        const parts: [Float64Array, number][] = [[a!, 3], [b!, 1], [c!, 5]];
        for (let n = 0; n < 2; n++) {
          let at = 0;
          for (const [t, A] of parts) {
            for (let k = 0; k < A * 4; k++) out[n * 36 + at * 4 + k] = t[n * A * 4 + k]!;
            at += A;
          }
        }
        return { data: out, shape: [2, 9, 4] };
      },
    }));
  it('narrow', () =>
    checkOp({
      name: 'narrow',
      inputs: [{ shape: [3, 7, 2], grad: true }],
      gpu: (x) => F.narrow(x!, 1, 2, 3),
      ref: (x) => {
        const out = new Float64Array(3 * 3 * 2);
        for (let n = 0; n < 3; n++) for (let k = 0; k < 6; k++) out[n * 6 + k] = x![n * 14 + 4 + k]!;
        return { data: out, shape: [3, 3, 2] };
      },
    }));
});
