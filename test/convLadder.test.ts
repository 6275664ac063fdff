// The convolution ladder, rung by rung: each version computes the forward pass and both gradients
// of awkward shapes (stride 2, dilation, tuple padding, odd batch, widths that are not multiples
// of 8, channels that are not multiples of 32, K longer than one dispatch, many output panels)
// against the f64 reference, with NaN-poisoned outputs. A rung that cannot run a shape must say
// why when chosen, never fall back; `auto` and an explicit choice use one rung for all three.

import { beforeAll, describe, expect, it } from 'vitest';
import { F, profile, randn, tensor, tidy } from '../src/node/index.js';
import { convGeometry } from '../src/ops/convGeometry.js';
import { convLadder, pickRung, type ConvRung } from '../src/ops/convLadder.js';
import { panelIsDefault } from '../src/ops/cpu/family.js';
import { conv2d as refConv, conv2dGrads } from '../src/reference/conv.js';
import { Rng } from '../src/tensor/random.js';
import { setupGpu } from './helpers/gpu.js';

beforeAll(setupGpu);

interface Case {
  what: string;
  x: [number, number, number, number];
  w: [number, number, number, number];
  stride?: [number, number];
  padding?: [number, number];
  dilation?: [number, number];
  groups?: number;
  bias?: boolean;
}

const CASES: Case[] = [
  { what: 'stride 2, odd batch, W % 8 ≠ 0', x: [3, 8, 9, 13], w: [12, 8, 3, 3], stride: [2, 2], padding: [1, 1], bias: true },
  { what: 'dilation and tuple padding', x: [1, 4, 10, 9], w: [8, 4, 3, 3], dilation: [2, 1], padding: [2, 1] },
  { what: 'C % 32 ≠ 0, partial row blocks', x: [2, 36, 6, 7], w: [40, 36, 3, 3], padding: [1, 1] },
  { what: '1×1 stride 2 (a matmul)', x: [3, 12, 7, 7], w: [20, 12, 1, 1], stride: [2, 2] },
  { what: 'the 7×7 stride-2 stem', x: [1, 3, 19, 21], w: [16, 3, 7, 7], stride: [2, 2], padding: [3, 3] },
  { what: 'K past one dispatch (C = 300)', x: [1, 300, 5, 4], w: [8, 300, 3, 3], padding: [1, 1] },
  { what: 'O past one panel, O % 4 ≠ 0', x: [2, 5, 6, 6], w: [70, 5, 3, 3], padding: [1, 1], bias: true },
  { what: 'kernel 2×3, stride (2, 1)', x: [1, 4, 5, 9], w: [4, 4, 2, 3], stride: [2, 1], padding: [1, 1] },
  { what: 'many output lines (dW over several dispatches)', x: [4, 4, 30, 30], w: [4, 4, 3, 3], padding: [1, 1] },
  { what: 'stride 3 with a dilated 3×3', x: [2, 4, 11, 10], w: [8, 4, 3, 3], stride: [3, 3], dilation: [2, 2], padding: [2, 1] },
  { what: 'groups = 2', x: [1, 4, 6, 6], w: [8, 2, 3, 3], padding: [1, 1], groups: 2 },
];

function values(rng: Rng, n: number): Float32Array {
  return Float32Array.from({ length: n }, () => rng.normal());
}

function expectClose(what: string, got: Float32Array, want: Float64Array): void {
  expect(got.length, what).toBe(want.length);
  const scale = Math.max(1, ...want.map(Math.abs));
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i]! - want[i]!) <= 2e-5 * scale)) expect.fail(`${what}: element ${i} is ${got[i]} but the reference says ${want[i]}`);
  }
}

describe.each(CASES)('$what', (c) => {
  const opts = { stride: c.stride ?? [1, 1], padding: c.padding ?? [0, 0], dilation: c.dilation ?? [1, 1], groups: c.groups ?? 1 } as const;
  const args = { stride: [...opts.stride], padding: [...opts.padding], dilation: [...opts.dilation], groups: opts.groups } as Parameters<typeof refConv>[5];
  const rng = new Rng(7);
  const x = values(rng, c.x.reduce((a, b) => a * b));
  const w = values(rng, c.w.reduce((a, b) => a * b));
  const b = c.bias ? values(rng, c.w[0]) : null;
  const g = convGeometry(c.x, c.w, opts);
  const dy = values(rng, g.N * g.O * g.OH * g.OW);
  const f64 = (a: Float32Array) => Float64Array.from(a);
  const y = refConv(f64(x), c.x, f64(w), c.w, b && f64(b), args).data;
  const { dx, dw } = conv2dGrads(f64(x), c.x, f64(w), c.w, f64(dy), args);

  it.each(convLadder().map((r) => [r.name, r] as [string, ConvRung]))('%s', async (_, rung) => {
    const why = rung.eligible(g);
    const [xt, wt, bt, dyt] = [tensor(x, c.x), tensor(w, c.w), b && tensor(b, [c.w[0]]), tensor(dy, [g.N, g.O, g.OH, g.OW])];
    if (why !== true) {
      // Chosen explicitly, an ineligible rung refuses with its reason.
      expect(() => F.conv2d(xt, wt, bt, { ...opts, impl: rung.name })).toThrow(new RegExp(`the ${rung.name} version cannot run.*${why.slice(0, 12).replace(/[()[\]]/g, '.')}`));
      return;
    }
    expectClose('forward', await rung.forward(g, xt, wt, bt).toArray(), y);
    expectClose('input gradient', await rung.inputGrad(g, dyt, wt).toArray(), dx.data);
    expectClose('weight gradient', await rung.weightGrad(g, dyt, xt).toArray(), dw.data);
  });
});

describe('choosing a rung', () => {
  it('an explicit choice runs that rung for the forward pass and both gradients', async () => {
    const x = randn([2, 8, 9, 9], { requiresGrad: true });
    const w = randn([8, 8, 3, 3], { requiresGrad: true });
    for (const rung of convLadder()) {
      if (rung.eligible(convGeometry(x.shape, w.shape, { padding: 1 })) !== true) continue;
      const times = await profile(() => tidy(() => F.conv2d(x, w, null, { padding: 1, impl: rung.name }).sum().backward()));
      for (const [op, direction] of [['conv2d', 'forward'], ['conv2d dX', 'inputGrad'], ['conv2d dW', 'weightGrad']] as const) {
        const ran = times.filter((t) => t.op === op).map((t) => t.kernel);
        const own = rung.kernels[direction].filter((k) => !k.startsWith('('));
        expect(ran.filter((k) => own.includes(k)), `${rung.name} ${direction} ran ${ran.join(', ')}`).toEqual(expect.arrayContaining(own));
      }
      x.grad?.dispose();
      w.grad?.dispose();
      x.grad = w.grad = null;
    }
  });
  it('auto runs the panel rung on a CPU adapter with fixed-size subgroups', async () => {
    const x = randn([1, 4, 8, 8]);
    const w = randn([4, 4, 3, 3], { requiresGrad: true });
    const times = await profile(() => tidy(() => F.conv2d(x, w, null, { padding: 1 }).sum().backward()));
    const forward = times.filter((t) => t.op === 'conv2d').map((t) => t.kernel);
    if (panelIsDefault()) expect(forward.some((k) => k.startsWith('conv/conv2d_panel_w'))).toBe(true);
    else expect(forward.some((k) => k.startsWith('conv/conv2d_panel_w'))).toBe(false);
  });
  it('auto gives the stem\'s input gradient (3 input channels) to im2col on a CPU adapter, and wider ones to panel', () => {
    const stem = convGeometry([2, 3, 64, 64], [64, 3, 7, 7], { stride: 2, padding: 3 });
    const block = convGeometry([2, 64, 16, 16], [64, 64, 3, 3], { padding: 1 });
    const picked = (g: typeof stem, d: 'forward' | 'inputGrad' | 'weightGrad') => pickRung(g, d).name;
    if (panelIsDefault()) {
      expect([picked(stem, 'forward'), picked(stem, 'inputGrad'), picked(stem, 'weightGrad')]).toEqual(['panel', 'im2col', 'panel']);
      expect(picked(block, 'inputGrad')).toBe('panel');
    } else {
      expect(picked(block, 'inputGrad')).not.toBe('panel');
    }
  });
  it('an unknown implementation is named', () => {
    expect(() => F.conv2d(randn([1, 1, 3, 3]), randn([1, 1, 1, 1]), null, { impl: 'fast' as never })).toThrow(/unknown implementation 'fast'/);
  });
});
