// The f64 conv gradients (conv2dGrads in src/reference/conv.ts), which the conv-ladder tests and
// the studio's convolution lab check every rung against: each is the derivative of the f64
// forward, checked by central finite differences of L = Σ conv(x, w) · dy, on strided, dilated,
// grouped and unevenly padded cases.

import { describe, expect, it } from 'vitest';
import { conv2d, conv2dGrads, type ConvArgs } from '../src/reference/conv.js';

function values(n: number, seed: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + seed * 78.233) * 1.7);
}

const CASES: { xs: number[]; ws: number[]; a: ConvArgs }[] = [
  { xs: [2, 3, 7, 6], ws: [4, 3, 3, 3], a: { stride: [2, 1], padding: [1, 2], dilation: [1, 1], groups: 1 } },
  { xs: [1, 4, 9, 9], ws: [4, 2, 3, 2], a: { stride: [1, 2], padding: [2, 0], dilation: [2, 1], groups: 2 } },
  { xs: [3, 2, 7, 7], ws: [2, 1, 3, 3], a: { stride: [3, 3], padding: [0, 0], dilation: [1, 1], groups: 2 } },
];

describe('f64 conv gradients against finite differences of the forward', () => {
  for (const { xs, ws, a } of CASES) {
    it(`x${JSON.stringify(xs)} w${JSON.stringify(ws)} ${JSON.stringify(a)}`, () => {
      const size = (s: number[]) => s.reduce((p, q) => p * q, 1);
      const x = values(size(xs), 1);
      const w = values(size(ws), 2);
      const y0 = conv2d(x, xs, w, ws, null, a);
      const dy = values(y0.data.length, 3);
      const loss = (xv: Float64Array, wv: Float64Array) => conv2d(xv, xs, wv, ws, null, a).data.reduce((s, v, i) => s + v * dy[i]!, 0);
      const { dx, dw } = conv2dGrads(x, xs, w, ws, dy, a);
      expect(dx.shape).toEqual(xs);
      expect(dw.shape).toEqual(ws);
      const h = 1e-5;
      for (let i = 0; i < x.length; i++) {
        const [p, m] = [Float64Array.from(x), Float64Array.from(x)];
        p[i]! += h;
        m[i]! -= h;
        expect(dx.data[i]).toBeCloseTo((loss(p, w) - loss(m, w)) / (2 * h), 6);
      }
      for (let i = 0; i < w.length; i++) {
        const [p, m] = [Float64Array.from(w), Float64Array.from(w)];
        p[i]! += h;
        m[i]! -= h;
        expect(dw.data[i]).toBeCloseTo((loss(x, p) - loss(x, m)) / (2 * h), 6);
      }
      // Stride 3 with a 3-wide kernel over 7 pixels never reads the last row and column: their gradient is exactly zero, not garbage.
      if (a.stride[0] === 3) expect(dx.data.some((v) => v === 0)).toBe(true);
    });
  }
});
