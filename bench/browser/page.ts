// The browser bench's page: wgslnet (browser entry, shaders bundled) and TensorFlow.js's WebGPU
// backend on the same navigator.gpu adapter, timed in the page. bench/browser.ts drives it.

import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-webgpu';
import { convFlops, convGeometry, convRung, F, init, measurePeak, memory, models, optim, profile, randn, sync, tidy, type ConvRungName, type MatmulImpl } from '../../src/browser/index.js';
import * as ref from '../../src/reference/index.js';
import { tfResnet18 } from '../tfjsResnet.js';

async function median(fn: () => Promise<void>, samples: number): Promise<number> {
  await fn();
  const t: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    await fn();
    t.push((performance.now() - t0) / 1000);
  }
  return t.sort((a, b) => a - b)[Math.floor(t.length / 2)]!;
}

async function setup() {
  const engine = await init();
  await tf.setBackend('webgpu');
  await tf.ready();
  return { adapter: engine.description, peak: await measurePeak() };
}

/** Seconds for C = A·B (n³), checked against the f64 reference first (max error relative to max |C|). */
async function matmul(n: number, impl: MatmulImpl | 'tfjs') {
  if (impl === 'tfjs') {
    const a = tf.randomNormal([n, n]);
    const b = tf.randomNormal([n, n]);
    const s = await median(async () => {
      const c = tf.matMul(a, b);
      await c.data();
      c.dispose();
    }, 3);
    a.dispose();
    b.dispose();
    return { seconds: s, error: null };
  }
  const a = randn([n, n]);
  const b = randn([n, n]);
  const [av, bv, cv] = [await a.toArray(), await b.toArray(), await F.matmul(a, b, { impl }).toArray()];
  const want = ref.matmul(Float64Array.from(av), [n, n], Float64Array.from(bv), [n, n]).data;
  let err = 0;
  let scale = 1;
  for (let i = 0; i < want.length; i++) {
    err = Math.max(err, Math.abs(cv[i]! - want[i]!));
    scale = Math.max(scale, Math.abs(want[i]!));
  }
  const s = await median(async () => {
    const c = F.matmul(a, b, { impl });
    await c.toArray();
    c.dispose();
  }, 3);
  a.dispose();
  b.dispose();
  return { seconds: s, error: err / scale };
}

/** Images per second of ResNet-18 forward + backward + Adam, and the GPU-time split of one step. */
async function train(batch: number, size: number, steps: number) {
  const model = models.resnet18({ numClasses: 10 });
  const opt = optim.fastaiAdam(model.parameters(), { lr: 1e-3 });
  const x = randn([batch, 3, size, size]);
  const y = Array.from({ length: batch }, (_, i) => i % 10);
  const step = () => {
    tidy(() => F.crossEntropy(model.forward(x), y).backward());
    opt.step();
    opt.zeroGrad();
  };
  step();
  step();
  await sync();
  const buffers = memory().buffers;
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) step();
  await sync();
  const imagesPerSecond = (steps * batch) / ((performance.now() - t0) / 1000);
  const times = await profile(step);
  const total = times.reduce((s, t) => s + t.ms, 0);
  const split: Record<string, number> = {};
  for (const t of times) split[t.family] = (split[t.family] ?? 0) + t.ms / total;
  const flat = memory().buffers === buffers;
  model.dispose();
  x.dispose();
  const top = times.slice(0, 12).map((t) => ({ op: t.op, kernel: t.kernel, dispatches: t.dispatches, ms: t.ms, gflops: t.flops ? t.flops / t.ms / 1e6 : null }));
  return { imagesPerSecond, split, buffersFlat: flat, top };
}

async function trainTfjs(batch: number, size: number, steps: number) {
  const net = tfResnet18(tf, 10);
  const opt = tf.train.adam(1e-3, 0.9, 0.99, 1e-5);
  const x = tf.randomNormal([batch, size, size, 3]);
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 10), 'int32'), 10);
  const step = async () => {
    const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, net.forward(x)) as tf.Scalar, true, net.vars);
    await loss!.data();
    loss!.dispose();
  };
  await step();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) await step();
  const imagesPerSecond = (steps * batch) / ((performance.now() - t0) / 1000);
  x.dispose();
  y.dispose();
  net.vars.forEach((v) => v.dispose());
  return { imagesPerSecond };
}

/** GPU milliseconds of each direction of one conv shape on one rung (kernel time only, summed over its dispatches). */
async function conv(xs: number[], ws: number[], stride: number, padding: number, rung: ConvRungName) {
  const g = convGeometry(xs, ws, { stride, padding });
  const r = convRung(rung);
  const [x, w, dy] = [randn(xs), randn(ws), randn([g.N, g.O, g.OH, g.OW])];
  const out: Record<string, number> = {};
  for (const [dir, fn] of [['forward', () => r.forward(g, x, w, null)], ['dX', () => r.inputGrad(g, dy, w)], ['dW', () => r.weightGrad(g, dy, x)]] as const) {
    fn().dispose();
    await sync();
    const times = await profile(() => fn().dispose());
    out[dir] = times.reduce((s, t) => s + t.ms, 0);
  }
  for (const t of [x, w, dy]) t.dispose();
  return { ms: out, flops: convFlops(g) };
}

Object.assign(globalThis, { bench: { setup, matmul, train, trainTfjs, conv } });
