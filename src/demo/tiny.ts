// npm run demo — a small real computation until the fastai workflow lands: a 2-64-64-2 MLP learns
// to separate two interleaved spirals (micrograd's classic), with every op a WGSL kernel.
// Prints the adapter, the loss and accuracy as it trains, and the time per step.

import { F, init, manualSeed, memory, noGrad, randn, tensor, tidy, type Tensor } from '../node/index.js';
import { Rng } from '../tensor/random.js';

const engine = await init();
console.log(`wgslnet demo — adapter: ${engine.description}\n`);

// Data: 512 points on two spirals, labels 0/1, with a little noise.
const rng = new Rng(7);
const N = 512;
const xs = new Float32Array(N * 2);
const ys: number[] = [];
for (let i = 0; i < N; i++) {
  const label = i % 2;
  const r = (i / N) * 3 + 0.2;
  const angle = r * 2.2 + label * Math.PI;
  xs[2 * i] = r * Math.cos(angle) + 0.08 * rng.normal();
  xs[2 * i + 1] = r * Math.sin(angle) + 0.08 * rng.normal();
  ys.push(label);
}
const x = tensor(xs, [N, 2]);
const y = tensor(ys, [N]);

// Model: Kaiming-scaled weights, zero biases.
manualSeed(0);
const layer = (fanIn: number, fanOut: number) => {
  const w = tidy(() => randn([fanIn, fanOut]).mul(Math.sqrt(2 / fanIn)));
  w.requiresGrad = true;
  return { w, b: tensor(new Float32Array(fanOut), [fanOut], { requiresGrad: true }) };
};
const layers = [layer(2, 64), layer(64, 64), layer(64, 2)];
const params = layers.flatMap((l) => [l.w, l.b]);

const forward = (input: Tensor) => {
  let h = input;
  layers.forEach((l, i) => {
    h = h.matmul(l.w).add(l.b);
    if (i < layers.length - 1) h = h.relu();
  });
  return h;
};

async function accuracy(): Promise<number> {
  const logits = tidy(() => forward(x));
  const v = await logits.toArray();
  logits.dispose();
  let right = 0;
  for (let i = 0; i < N; i++) if ((v[2 * i + 1]! > v[2 * i]! ? 1 : 0) === ys[i]) right++;
  return right / N;
}

const steps = 600;
const lr = 0.1;
console.log('step   loss      accuracy');
const t0 = performance.now();
for (let step = 1; step <= steps; step++) {
  const loss = tidy(() => {
    const l = F.crossEntropy(forward(x), y);
    l.backward();
    noGrad(() => {
      for (const p of params) {
        p.assign(p.sub(p.grad!.mul(lr))); // SGD, in place
        p.grad!.dispose();
        p.grad = null;
      }
    });
    return l;
  });
  if (step === 1 || step % 100 === 0) console.log(`${String(step).padStart(4)}   ${(await loss.item()).toFixed(4)}    ${(await accuracy()).toFixed(3)}`);
  loss.dispose();
}
const seconds = (performance.now() - t0) / 1000;
const acc = await accuracy();
console.log(`\n${steps} steps in ${seconds.toFixed(1)} s (${((1000 * seconds) / steps).toFixed(1)} ms/step); final accuracy ${acc.toFixed(3)} (chance 0.5)`);
console.log(`live tensors: ${memory().tensors}, GPU buffers held: ${memory().buffers}`);
if (acc < 0.9) {
  console.error('the demo did not learn the spirals: something is wrong');
  process.exit(1);
}
