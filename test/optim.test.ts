// Optimizers against torch.optim (fixture written by scripts/fixtures/make_optim_fixtures.py),
// parameter groups, weight-decay splitting, state save/load, steady-state GPU objects, and the
// schedules against fastai's formulas.

import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { counters, memory, models, optim, parseSafetensors, serializeSafetensors, sync, tensor, toFloat32, type Tensor } from '../src/node/index.js';
import { setupGpu } from './helpers/gpu.js';

const fx = JSON.parse(readFileSync(new URL('./fixtures/torch-optim.json', import.meta.url), 'utf8')) as {
  shape: number[];
  p0: number[];
  grads: number[][];
  cases: { name: string; optimizer: 'SGD' | 'Adam' | 'AdamW'; options: Record<string, unknown>; beta1s: number[] | null; after: number[][] }[];
};

beforeAll(setupGpu);

function make(kind: string, params: Tensor[], o: Record<string, unknown>) {
  const common = { lr: o.lr as number, weightDecay: (o.weight_decay as number) ?? 0 };
  if (kind === 'SGD') return new optim.SGD(params, { ...common, momentum: (o.momentum as number) ?? 0, dampening: (o.dampening as number) ?? 0, nesterov: (o.nesterov as boolean) ?? false });
  const extra = { betas: o.betas as [number, number], eps: o.eps as number };
  return kind === 'Adam' ? new optim.Adam(params, { ...common, ...extra }) : new optim.AdamW(params, { ...common, ...extra });
}

describe('optimizers against torch.optim', () => {
  for (const c of fx.cases) {
    it(c.name, async () => {
      const p = tensor(fx.p0, fx.shape, { requiresGrad: true });
      const opt = make(c.optimizer, [p], c.options);
      for (let t = 0; t < fx.grads.length; t++) {
        if (c.beta1s) (opt.groups[0]!.hyper as { betas: [number, number] }).betas = [c.beta1s[t]!, (c.options.betas as number[])[1]!];
        p.grad = tensor(fx.grads[t]!, fx.shape);
        opt.step();
        opt.zeroGrad();
        const got = await p.toArray();
        c.after[t]!.forEach((want, i) => expect(Math.abs(got[i]! - want), `step ${t + 1}, element ${i}`).toBeLessThan(1e-5 + 1e-5 * Math.abs(want)));
      }
      p.dispose();
    });
  }
});

describe('optimizer machinery', () => {
  it('parameter groups take their own lr; splitWeightDecay exempts rank-1 parameters', async () => {
    const a = tensor([1, 1], [2], { requiresGrad: true });
    const b = tensor([1, 1], [2], { requiresGrad: true });
    const opt = new optim.SGD([{ params: [a], lr: 0.5 }, { params: [b] }], { lr: 0.1 });
    a.grad = tensor([1, 2]);
    b.grad = tensor([1, 2]);
    opt.step();
    expect(await a.toArray()).toEqual(new Float32Array([0.5, 0]));
    expect(Array.from(await b.toArray()).map((v) => +v.toFixed(6))).toEqual([0.9, 0.8]);
    const model = models.resnet18({ numClasses: 10 });
    const [decay, noDecay] = optim.splitWeightDecay(model, 0.01);
    expect(decay!.params.every((p) => p.rank === 4 || p.rank === 2)).toBe(true);
    expect(noDecay!.weightDecay).toBe(0);
    expect(decay!.params.length + noDecay!.params.length).toBe(model.parameters().length);
    expect(noDecay!.params.length).toBe(2 * 20 + 1); // 20 BatchNorms (weight, bias) + fc.bias
    model.dispose();
  });

  it('saves and restores its state; a steady-state step creates no GPU objects', async () => {
    const p = tensor([1, 2, 3, 4], [4], { requiresGrad: true });
    const opt = new optim.AdamW([p], { lr: 0.01 });
    const g = tensor([0.1, -0.2, 0.3, -0.4]);
    const stepOnce = () => {
      p.grad = g.clone();
      opt.step();
      opt.zeroGrad();
    };
    for (let i = 0; i < 3; i++) stepOnce();
    await sync();
    const m0 = memory();
    const c0 = counters();
    for (let i = 0; i < 50; i++) stepOnce();
    await sync();
    expect(memory().buffers).toBe(m0.buffers);
    expect(memory().tensors).toBe(m0.tensors);
    expect(counters().uniformBuffers).toBe(c0.uniformBuffers);
    expect(counters().bindGroups).toBe(c0.bindGroups);

    const saved = await opt.stateDict();
    expect(saved.step).toBe(53);
    expect([...saved.tensors.keys()]).toEqual(['0.0.step', '0.0.exp_avg', '0.0.exp_avg_sq']); // unnamed: group.index
    const q = tensor(await p.toArray(), [4], { requiresGrad: true });
    const opt2 = new optim.AdamW([q], { lr: 0.01 });
    opt2.loadStateDict(saved);
    stepOnce();
    q.grad = g.clone();
    opt2.step();
    expect(await q.toArray()).toEqual(await p.toArray());
  });
});

describe('per-parameter state, keyed by name (as torch.optim)', () => {
  const values = (t: Tensor) => t.toArray().then((v) => Array.from(v));

  it("Adam's step count is per parameter: one that starts late gets its own first-step bias correction", async () => {
    const a = tensor([1, 2, 3], [3], { requiresGrad: true });
    const b = tensor([4, 5], [2], { requiresGrad: true });
    const opt = new optim.Adam([['a', a], ['b', b]], { lr: 0.1 });
    for (let i = 0; i < 3; i++) {
      a.grad = tensor([0.3, -0.1, 0.2]);
      if (i === 2) b.grad = tensor([0.5, -2]); // b's first gradient arrives at the optimizer's third step
      opt.step();
      opt.zeroGrad();
    }
    const sd = await opt.stateDict();
    expect([sd.tensors.get('a.step')!.values[0], sd.tensors.get('b.step')!.values[0], sd.step]).toEqual([3, 1, 3]);
    // b moved exactly as a fresh Adam's first step moves it: lr · g / (|g| + eps) with bias corrections 1 − β^1.
    const fresh = tensor([4, 5], [2], { requiresGrad: true });
    const opt2 = new optim.Adam([fresh], { lr: 0.1 });
    fresh.grad = tensor([0.5, -2]);
    opt2.step();
    expect(await values(b)).toEqual(await values(fresh));
    expect((await values(b)).map((v) => +v.toFixed(5))).toEqual([3.9, 5.1]);
  });

  for (const kind of ['SGD', 'AdamW'] as const) {
    it(`${kind}: the state round-trips through safetensors exactly and survives a reordered parameter list`, async () => {
      const make = (ps: [string, Tensor][]) => (kind === 'SGD' ? new optim.SGD(ps, { lr: 0.05, momentum: 0.9, nesterov: true }) : new optim.AdamW(ps, { lr: 0.05 }));
      const w = tensor([0.5, -1, 2, 0.25, 1, -0.5], [2, 3], { requiresGrad: true });
      const b = tensor([0.1, 0.2], [2], { requiresGrad: true });
      const grads = (k: number): [Tensor, Tensor] => [tensor([0.1 * k, -0.2, 0.3, 0.05, -0.1, 0.2 * k], [2, 3]), tensor([0.3, -0.1 * k], [2])];
      const opt = make([['fc.weight', w], ['fc.bias', b]]);
      for (let k = 1; k <= 3; k++) {
        [w.grad, b.grad] = grads(k);
        opt.step();
        opt.zeroGrad();
      }
      const saved = await opt.stateDict();
      // Through a file's bytes, as learn.save writes it.
      const bytes = serializeSafetensors([...saved.tensors].map(([name, t]) => ({ name, dtype: 'F32' as const, shape: t.shape, values: t.values })));
      const file = parseSafetensors(bytes, 'state');
      const restored = { step: saved.step, tensors: new Map([...file.tensors].map(([k, e]) => [k, { shape: e.shape, values: toFloat32(e, k, 'state') }])) };
      // The same parameters (copies) listed in the other order.
      const [w2, b2] = [tensor(await w.toArray(), [2, 3], { requiresGrad: true }), tensor(await b.toArray(), [2], { requiresGrad: true })];
      const opt2 = make([['fc.bias', b2], ['fc.weight', w2]]);
      opt2.loadStateDict(restored);
      const again = await opt2.stateDict();
      expect([...again.tensors.keys()].sort()).toEqual([...saved.tensors.keys()].sort());
      for (const [k, t] of saved.tensors) expect(Array.from(again.tensors.get(k)!.values), k).toEqual(Array.from(t.values));
      expect(saved.tensors.has(kind === 'SGD' ? 'fc.weight.momentum_buffer' : 'fc.weight.exp_avg_sq')).toBe(true);
      // One more step on each: identical parameters.
      [w.grad, b.grad] = grads(4);
      [w2.grad, b2.grad] = grads(4);
      opt.step();
      opt2.step();
      expect(await values(w2)).toEqual(await values(w));
      expect(await values(b2)).toEqual(await values(b));
    });
  }

  it('a state that does not match the parameters is one named error, and nothing is loaded', async () => {
    const w = tensor([1, 2, 3, 4], [2, 2], { requiresGrad: true });
    const opt = new optim.AdamW([['fc.weight', w]], { lr: 0.1 });
    w.grad = tensor([1, 1, 1, 1], [2, 2]);
    opt.step();
    const saved = await opt.stateDict();
    const other = new optim.AdamW([['head.weight', tensor([1, 2], [2], { requiresGrad: true })]], { lr: 0.1 });
    expect(() => other.loadStateDict(saved)).toThrow(/optimizer state does not match[\s\S]*fc\.weight\.exp_avg: no parameter named fc\.weight/);
    const wrongShape = new optim.AdamW([['fc.weight', tensor([1, 2, 3, 4], [4], { requiresGrad: true })]], { lr: 0.1 });
    expect(() => wrongShape.loadStateDict(saved)).toThrow(/fc\.weight\.exp_avg: \[2, 2\] does not match the parameter's \[4\]/);
    expect((await wrongShape.stateDict()).tensors.size).toBe(0);
    expect(() => new optim.SGD([['x', w], ['x', w]], { lr: 1 })).toThrow(/two parameters are named x/);
  });
});

describe('schedules', () => {
  it("one-cycle follows fastai's formula", () => {
    const o = { lrMax: 1e-2, div: 25, divFinal: 1e5, pctStart: 0.25 };
    expect(optim.oneCycle(0, o).lr).toBeCloseTo(1e-2 / 25, 12);
    expect(optim.oneCycle(0.25, o).lr).toBeCloseTo(1e-2, 12);
    expect(optim.oneCycle(1, o).lr).toBeCloseTo(1e-2 / 1e5, 12);
    expect(optim.oneCycle(0, o).mom).toBeCloseTo(0.95, 12);
    expect(optim.oneCycle(0.25, o).mom).toBeCloseTo(0.85, 12);
    // Midway up: s + (1 + cos(π/2))·(e − s)/2 = the arithmetic mean.
    expect(optim.oneCycle(0.125, o).lr).toBeCloseTo((1e-2 / 25 + 1e-2) / 2, 12);
    expect(optim.oneCycle(0.625, o).mom).toBeCloseTo(0.9, 12);
  });
  it('lr slices, cosine annealing and step decay', () => {
    expect(optim.lrSlice(3, 1e-2)).toEqual([1e-3, 1e-3, 1e-2]);
    const s = optim.lrSlice(3, 1e-2, 1e-4);
    expect(s[0]).toBeCloseTo(1e-4, 12);
    expect(s[1]).toBeCloseTo(1e-3, 12);
    expect(s[2]).toBeCloseTo(1e-2, 12);
    expect(optim.cosineAnnealing(0.1, 0, 10)).toBeCloseTo(0.1, 12);
    expect(optim.cosineAnnealing(0.1, 5, 10)).toBeCloseTo(0.05, 12);
    expect(optim.cosineAnnealing(0.1, 10, 10, 0.001)).toBeCloseTo(0.001, 12);
    expect(optim.stepDecay(0.1, 25, 10, 0.5)).toBeCloseTo(0.025, 12);
  });
});
