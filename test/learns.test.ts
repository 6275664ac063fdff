// It learns: ResNet-18 (torchvision layout, random init) trained on 500 real Fashion-MNIST images
// (test/fixtures, sampled from Debian's dataset-fashion-mnist by scripts/fixtures/make_fashion_fixture.mjs)
// with fastai's Adam and a one-cycle schedule, then evaluated on 200 held-out test-set images.
// Chance is 0.10; the loss must fall and nothing may be NaN.

import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { beforeAll, expect, it } from 'vitest';
import { F, manualSeed, models, noGrad, optim, tensor, tidy, type Tensor } from '../src/node/index.js';
import { setupGpu } from './helpers/gpu.js';

beforeAll(setupGpu);

function load(name: string): { x: Float32Array; y: number[] } {
  const b = gunzipSync(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));
  const n = b.readUInt32LE(0);
  const y = Array.from(b.subarray(4, 4 + n));
  // Gray → 3 channels, scaled to [0, 1] and normalised with Fashion-MNIST's mean and std.
  const x = new Float32Array(n * 3 * 784);
  for (let i = 0; i < n; i++)
    for (let c = 0; c < 3; c++)
      for (let k = 0; k < 784; k++) x[(i * 3 + c) * 784 + k] = (b[4 + n + i * 784 + k]! / 255 - 0.286) / 0.353;
  return { x, y };
}

it('ResNet-18 learns Fashion-MNIST from 500 real images', async () => {
  manualSeed(0);
  const train = load('fashion-train-500.bin.gz');
  const test = load('fashion-test-200.bin.gz');
  const model = models.resnet18({ numClasses: 10 });
  const opt = optim.fastaiAdam(optim.splitWeightDecay(model, 0.01), { lr: 3e-3 });
  const bs = 50;
  const epochs = 3;
  const steps = epochs * (train.y.length / bs);
  const order = Array.from({ length: train.y.length }, (_, i) => i);
  const losses: number[] = [];
  let step = 0;
  for (let e = 0; e < epochs; e++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = (i * 7919 + e * 104729) % (i + 1); // a fixed shuffle per epoch
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (let s = 0; s < order.length; s += bs) {
      const idx = order.slice(s, s + bs);
      const xb = new Float32Array(bs * 3 * 784);
      idx.forEach((k, r) => xb.set(train.x.subarray(k * 3 * 784, (k + 1) * 3 * 784), r * 3 * 784));
      const { lr, mom } = optim.oneCycle(step++ / steps, { lrMax: 3e-3 });
      for (const g of opt.groups) Object.assign(g.hyper, { lr, betas: [mom, 0.99] });
      const loss = tidy(() => {
        const l = F.crossEntropy(model.forward(tensor(xb, [bs, 3, 28, 28])), idx.map((k) => train.y[k]!));
        l.backward();
        return l;
      });
      opt.step();
      opt.zeroGrad();
      losses.push(await loss.item());
      loss.dispose();
    }
  }
  expect(losses.every(Number.isFinite)).toBe(true);
  const first = losses.slice(0, 5).reduce((a, b) => a + b) / 5;
  const last = losses.slice(-5).reduce((a, b) => a + b) / 5;
  expect(last).toBeLessThan(first * 0.6);

  model.eval();
  let right = 0;
  for (let s = 0; s < test.y.length; s += 100) {
    const logits = noGrad(() => tidy(() => model.forward(tensor(test.x.subarray(s * 3 * 784, (s + 100) * 3 * 784), [100, 3, 28, 28]))));
    const v = await logits.toArray();
    for (let r = 0; r < 100; r++) {
      const row = Array.from(v.subarray(r * 10, r * 10 + 10));
      if (row.indexOf(Math.max(...row)) === test.y[s + r]) right++;
    }
    (logits as Tensor).dispose();
  }
  const accuracy = right / test.y.length;
  console.log(`Fashion-MNIST: train loss ${first.toFixed(3)} → ${last.toFixed(3)}; test accuracy ${accuracy.toFixed(3)} on 200 held-out images (chance 0.100)`);
  expect(accuracy).toBeGreaterThan(0.5);
  model.dispose();
}, 900_000);
