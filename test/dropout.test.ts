// dropout: the drop rate, inverted scaling, reproducibility under manualSeed, identity in
// evaluation, and a backward that uses the forward's mask. linear against the reference.

import { beforeAll, describe, expect, it } from 'vitest';
import { F, manualSeed, ones, tensor, tidy } from '../src/node/index.js';
import * as ref from '../src/reference/index.js';
import { checkOp } from './helpers/opcheck.js';
import { setupGpu } from './helpers/gpu.js';

beforeAll(setupGpu);

describe('dropout', () => {
  it('drops about p of the elements and scales the rest by 1/(1 − p)', async () => {
    manualSeed(5);
    const x = ones([20000]);
    for (const p of [0.25, 0.5]) {
      const y = await F.dropout(x, p, true).toArray();
      const dropped = y.filter((v) => v === 0).length / y.length;
      expect(Math.abs(dropped - p)).toBeLessThan(0.02);
      expect(y.every((v) => v === 0 || Math.abs(v - 1 / (1 - p)) < 1e-6)).toBe(true);
    }
  });
  it('is reproducible under manualSeed, identity in evaluation, extremes exact', async () => {
    const x = tensor(Float32Array.from({ length: 64 }, (_, i) => i + 1));
    manualSeed(9);
    const a = await F.dropout(x, 0.5).toArray();
    manualSeed(9);
    const b = await F.dropout(x, 0.5).toArray();
    expect(a).toEqual(b);
    expect(F.dropout(x, 0.5, false)).toBe(x);
    expect(await F.dropout(x, 1).toArray()).toEqual(new Float32Array(64));
    expect(() => F.dropout(x, 1.5)).toThrow(/p must be in \[0, 1\]/);
  });
  it('masks follow manualSeed: each call draws a new mask, a new seed gives new masks, the same seed the same ones', async () => {
    const x = ones([256]);
    const masks = async (seed: number) => {
      manualSeed(seed);
      return [Array.from(await F.dropout(x, 0.5).toArray()), Array.from(await F.dropout(x, 0.5).toArray())];
    };
    const [a1, a2] = await masks(9);
    expect(a2).not.toEqual(a1); // not one fixed mask
    const [c1] = await masks(10);
    expect(c1).not.toEqual(a1); // the seed matters…
    const [b1, b2] = await masks(9);
    expect([b1, b2]).toEqual([a1, a2]); // …and only the seed: ignoring manualSeed would give the 5th and 6th masks here
  });
  it('backward passes the gradient through exactly the kept elements, scaled', async () => {
    manualSeed(3);
    const x = tensor(Float32Array.from({ length: 1000 }, (_, i) => 1 + (i % 7)), [1000], { requiresGrad: true });
    const y = tidy(() => {
      const out = F.dropout(x, 0.3);
      out.sum().backward();
      return out;
    });
    const yv = await y.toArray();
    const xv = await x.toArray();
    const gv = await x.grad!.toArray();
    for (let i = 0; i < 1000; i++) expect(gv[i]).toBeCloseTo(yv[i]! / xv[i]!, 5); // g = mask · scale
  });
});

describe('linear', () => {
  for (const [xs, out, bias] of [[[4, 6], 3, true], [[2, 5, 8], 12, false], [[1, 1], 1, true]] as const) {
    it(`x${JSON.stringify(xs)} → ${out}${bias ? ' +bias' : ''}`, () =>
      checkOp({
        name: 'linear',
        inputs: [{ shape: [...xs], grad: true }, { shape: [out, xs.at(-1)!], grad: true }, ...(bias ? [{ shape: [out], grad: true }] : [])],
        gpu: (x, w, b) => F.linear(x!, w!, b ?? null),
        ref: (x, w, b) => {
          const y = ref.matmul(x!, [...xs], w!, [out, xs.at(-1)!], false, true);
          return b ? ref.binary((u, v) => u + v, y.data, y.shape, b, [out]) : y;
        },
        rtol: 1e-5,
        atol: 1e-5,
      }));
  }
});
