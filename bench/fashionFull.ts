// The full Fashion-MNIST run: ResNet-18 (random init) trained on all 60,000 training images and
// scored on the 10,000 test images, through the same fastai-style path a user takes.
//   node scripts/fashion_mnist.mjs full /tmp/fashion-full      (once: the image folders)
//   npx tsx bench/fashionFull.ts [/tmp/fashion-full] [--epochs 1] [--size 28] [--bs 64] [--lr 3e-3]
// Prints fastai's table, then images/s. Needs hours on a CPU adapter (about 18 training images/s
// on 2 cores with lavapipe); minutes on a real GPU.

import { parseArgs } from 'node:util';
import { errorRate, ImageDataLoaders, init, manualSeed, Resize, resnet18, visionLearner } from '../src/node/index.js';
import { progressBar } from '../src/learner/recorder.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { epochs: { type: 'string' }, size: { type: 'string' }, bs: { type: 'string' }, lr: { type: 'string' } },
});
const path = positionals[0] ?? '/tmp/fashion-full';
const [epochs, size, bs, lr] = [Number(values.epochs ?? 1), Number(values.size ?? 28), Number(values.bs ?? 64), Number(values.lr ?? 3e-3)];

const engine = await init();
console.log(`GPU: ${engine.description}`);
manualSeed(42);
const dls = await ImageDataLoaders.fromFolder(path, { itemTfms: [Resize(size)], bs, seed: 42 });
console.log(`${dls.train.items.length} training, ${dls.valid.items.length} validation images; ${dls.c} classes; size ${size}, bs ${bs}, ${epochs} epoch(s) of fitOneCycle(lr ${lr})`);
// A progress line every 50 steps even when stdout is a file, so a long run shows it is alive.
let steps = 0;
const t0 = performance.now();
const output = {
  line: (s: string) => console.log(s),
  status: (s: string) => {
    if (s.startsWith('|') && ++steps % 50 === 0) console.log(`  ${progressBar(steps, epochs * dls.train.length, (performance.now() - t0) / 1000)}`);
  },
};
const learn = visionLearner(dls, resnet18, { metrics: [errorRate], output });
await learn.fitOneCycle(epochs, lr);
const secs = (performance.now() - t0) / 1000;
const trained = epochs * dls.train.length * bs;
const [, , , err] = learn.history.values.at(-1)!;
console.log(`error_rate ${err!.toFixed(4)} on ${dls.valid.items.length} test images; ${secs.toFixed(0)} s in all, ${(trained / secs).toFixed(1)} training images/s (validation included in the time)`);
