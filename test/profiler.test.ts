// The kernel profiler: GPU timestamps per dispatch, summed per op and kernel file.

import { beforeAll, expect, it } from 'vitest';
import { counters, F, init, profile, randn, sync, tidy } from '../src/node/index.js';
import { setupGpu } from './helpers/gpu.js';

beforeAll(setupGpu);

it('times every dispatch on the GPU clock, per op and kernel file', async () => {
  const engine = await init();
  if (!engine.adapter.features.includes('timestamp-query')) {
    await expect(profile(() => {})).rejects.toThrow(/timestamp-query/);
    return;
  }
  const x = randn([2, 8, 16, 16]);
  const w = randn([8, 8, 3, 3], { requiresGrad: true });
  await sync();
  const before = counters().dispatches;
  const t0 = performance.now();
  const times = await profile(async () => {
    for (let i = 0; i < 3; i++) {
      tidy(() => F.conv2d(x, w, null, { padding: 1, impl: 'implicit' }).relu().sum().backward());
      w.grad!.dispose();
      w.grad = null;
    }
  });
  const wallMs = performance.now() - t0;
  const dispatched = counters().dispatches - before;
  expect(times.reduce((n, t) => n + t.dispatches, 0)).toBe(dispatched);
  const conv = times.find((t) => t.op === 'conv2d' && t.kernel === 'conv/conv2d_implicit.wgsl');
  expect(conv?.dispatches).toBe(3);
  // The weight gradient's layout copy counts as the convolution's too (fill: the test's NaN poisoning).
  expect(times.filter((t) => t.op === 'conv2d dW' && t.kernel !== 'elementwise/fill.wgsl').map((t) => [t.kernel, t.dispatches]).sort()).toEqual([
    ['conv/conv2d_implicit_dw.wgsl', 3],
    ['elementwise/strided_copy.wgsl', 3],
  ]);
  expect(times.every((t) => t.ms >= 0)).toBe(true);
  expect(conv!.ms).toBeGreaterThan(0);
  expect(times.reduce((s, t) => s + t.ms, 0)).toBeLessThan(wallMs);
  // Sorted slowest first, and the runtime works normally afterwards.
  for (let i = 1; i < times.length; i++) expect(times[i - 1]!.ms).toBeGreaterThanOrEqual(times[i]!.ms);
  expect(await F.add(x, x).sum().item()).toBeCloseTo(2 * (await x.sum().item()), 3);
});

it('handles more dispatches than one query set holds', async () => {
  const engine = await init();
  if (!engine.adapter.features.includes('timestamp-query')) return;
  const a = randn([4]);
  const times = await profile(() => {
    for (let i = 0; i < 2500; i++) tidy(() => void a.mul(2));
  });
  expect(times.find((t) => t.op === 'mul')?.dispatches).toBe(2500);
});
