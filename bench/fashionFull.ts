// The full Fashion-MNIST run: ResNet-18 (random init) trained on all 60,000 training images and
// scored on the 10,000 test images, through the same fastai-style path a user takes.
//   node scripts/fashion_mnist.mjs full /tmp/fashion-full      (once: the image folders)
//   npx tsx bench/fashionFull.ts [/tmp/fashion-full] [--epochs 1] [--size 28] [--bs 64] [--lr 3e-3] [--max-train N]
// Exports the trained model to fashion-resnet18.safetensors.
// Prints fastai's table, then images/s. Needs hours on a CPU adapter (about 18 training images/s
// on 2 cores with lavapipe); minutes on a real GPU.

import { parseArgs } from 'node:util';
import { parentLabel } from '../src/data/splitters.js';
import { errorRate, GrandparentSplitter, ImageDataLoaders, init, manualSeed, RandomSplitter, Resize, resnet18, visionLearner } from '../src/node/index.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { epochs: { type: 'string' }, size: { type: 'string' }, bs: { type: 'string' }, lr: { type: 'string' }, 'max-train': { type: 'string' } },
});
const path = positionals[0] ?? '/tmp/fashion-full';
const [epochs, size, bs, lr] = [Number(values.epochs ?? 1), Number(values.size ?? 28), Number(values.bs ?? 64), Number(values.lr ?? 3e-3)];

const engine = await init();
console.log(`GPU: ${engine.description}`);
manualSeed(42);
const full = await ImageDataLoaders.fromFolder(path, { itemTfms: [Resize(size)], bs, seed: 42 });
// --max-train N: a seeded random N of the training images (the validation set stays whole).
const maxTrain = Number(values['max-train'] ?? Infinity);
const dls = maxTrain < full.train.items.length ? subset(full, maxTrain) : full;
console.log(`${dls.train.items.length} training, ${dls.valid.items.length} validation images; ${dls.c} classes; size ${size}, bs ${bs}, ${epochs} epoch(s) of fitOneCycle(lr ${lr})`);
// Every 50th training progress bar is printed even when stdout is a file, so a long run shows it
// is alive (training bars end with the smoothed loss; validation bars have none).
let steps = 0;
const t0 = performance.now();
const output = {
  line: (s: string) => console.log(s),
  status: (s: string) => {
    if (/ \d+\.\d{4}\]$/.test(s) && ++steps % 50 === 0) console.log(`  ${s}`);
  },
};
const learn = visionLearner(dls, resnet18, { metrics: [errorRate], output });
await learn.fitOneCycle(epochs, lr);
await learn.export('fashion-resnet18.safetensors');
const secs = (performance.now() - t0) / 1000;
const trained = epochs * dls.train.length * bs;
const [, , , err] = learn.history.values.at(-1)!;
console.log(`error_rate ${err!.toFixed(4)} on ${dls.valid.items.length} test images; ${secs.toFixed(0)} s in all, ${(trained / secs).toFixed(1)} training images/s (validation included in the time)`);

function subset(d: typeof full, n: number): typeof full {
  const keep = new Set(RandomSplitter(1 - n / d.train.items.length, 7)(d.train.items).train);
  const files = [...d.train.items.filter((_, i) => keep.has(i)), ...d.valid.items];
  return ImageDataLoaders.fromLists(path, files, files.map(parentLabel), { splitter: GrandparentSplitter(), itemTfms: [Resize(size)], bs, seed: 42 });
}
