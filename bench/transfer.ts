// What fine-tuning from a checkpoint buys, on data the repo ships (data/fashion-sample: 250 real
// Fashion-MNIST images per class):
//   1. train a ResNet-18 on eight classes (fitOneCycle);
//   2. save its body (torchvision's key names) as safetensors;
//   3. fineTune it on the other two classes from 100 images (50 per class), `pretrained: <that file>`;
//   4. the same run from random weights; report both error rates on 200 held-out images of the two.
// Both step-3/4 runs see the same images, augmentation-free batches, ImageNet normalisation and
// fine_tune schedule; only the body's starting weights differ. Each is repeated over seeds.
//   npx tsx bench/transfer.ts [--target pullover,coat] [--source-epochs 2] [--epochs 4] [--seeds 3] [--size 28]
// About 10 minutes on 2 CPU cores with lavapipe.

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Splitter } from '../src/data/splitters.js';
import { errorRate, getImageFiles, ImageDataLoaders, imagenetStats, init, manualSeed, Resize, resnet18, visionLearner, type VisionLearner } from '../src/node/index.js';

const { values } = parseArgs({
  options: { target: { type: 'string' }, 'source-epochs': { type: 'string' }, epochs: { type: 'string' }, seeds: { type: 'string' }, size: { type: 'string' } },
});
const target = (values.target ?? 'pullover,coat').split(',');
const [sourceEpochs, epochs, seeds, size] = [Number(values['source-epochs'] ?? 2), Number(values.epochs ?? 4), Number(values.seeds ?? 3), Number(values.size ?? 28)];
const SAMPLE = fileURLToPath(new URL('../data/fashion-sample', import.meta.url));
const labelOf = (file: string) => file.split('/').at(-1)!.replace(/_\d+\.png$/, '');
const loadavg = async () => (existsSync('/proc/loadavg') ? (await readFile('/proc/loadavg', 'utf8')).split(' ').slice(0, 3).join(' ') : 'n/a');
const quiet = { line: () => {}, status: () => {} };

const engine = await init();
console.log(`GPU: ${engine.description}\nload average at start: ${await loadavg()}`);
const all = getImageFiles(SAMPLE);
const classes = [...new Set(all.map(labelOf))].sort();
if (target.length !== 2 || !target.every((c) => classes.includes(c))) throw new Error(`--target needs two of ${classes.join(', ')}`);
const source = all.filter((f) => !target.includes(labelOf(f)));

// Step 1: eight classes, 90 % to train; ImageNet normalisation, as the fine-tuning runs will use.
const t0 = performance.now();
manualSeed(42);
const srcDls = ImageDataLoaders.fromLists(SAMPLE, source, source.map(labelOf), { validPct: 0.1, seed: 42, itemTfms: [Resize(size)], bs: 64 }).withNormalize(imagenetStats);
const base = visionLearner(srcDls, resnet18, { metrics: [errorRate], pretrained: false });
console.log(`step 1: ResNet-18 on ${srcDls.c} classes (${srcDls.vocab.join(', ')}): ${srcDls.train.items.length} training, ${srcDls.valid.items.length} validation images, fitOneCycle(${sourceEpochs}, 3e-3)`);
await base.fitOneCycle(sourceEpochs, 3e-3);
const srcErr = base.history.values.at(-1)![3]!;
// Step 2: the body alone, with torchvision's names, as a pretrained file.
const ckpt = join(tmpdir(), `wgslnet-transfer-${process.pid}.safetensors`);
await base.model.body.saveSafetensors(ckpt);
base.dispose();
const step1 = (performance.now() - t0) / 1000;
console.log(`step 1: error_rate ${srcErr.toFixed(4)} in ${step1.toFixed(0)} s; body saved to ${ckpt}`);

// Steps 3 and 4: two classes, 50 training and 100 validation images each.
const perClass = (c: string) => all.filter((f) => labelOf(f) === c);
const trainFiles = target.flatMap((c) => perClass(c).slice(0, 50));
const validFiles = target.flatMap((c) => perClass(c).slice(50, 150));
const files = [...trainFiles, ...validFiles];
const split: Splitter = () => ({ train: trainFiles.map((_, i) => i), valid: validFiles.map((_, i) => trainFiles.length + i) });

async function fineTuned(pretrained: string | false, seed: number): Promise<{ err: number; secs: number }> {
  const t = performance.now();
  manualSeed(seed);
  const dls = ImageDataLoaders.fromLists(SAMPLE, files, files.map(labelOf), { splitter: split, seed, itemTfms: [Resize(size)], bs: 16 });
  const learn: VisionLearner = visionLearner(dls, resnet18, { metrics: [errorRate], pretrained, output: quiet });
  if (!pretrained) learn.dls = dls.withNormalize(imagenetStats); // the same inputs as the pretrained run
  await learn.fineTune(epochs);
  const err = learn.history.values.at(-1)![3]!;
  learn.dispose();
  return { err, secs: (performance.now() - t) / 1000 };
}

console.log(`steps 3-4: fineTune(${epochs}) on ${target.join(' vs ')}: ${trainFiles.length} training, ${validFiles.length} validation images, bs 16, seeds 1..${seeds}`);
const rows: [string, number[], number][] = [];
for (const [name, pretrained] of [['from the 8-class checkpoint', ckpt], ['from random weights', false]] as const) {
  const errs: number[] = [];
  let secs = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    const r = await fineTuned(pretrained, seed);
    errs.push(r.err);
    secs += r.secs;
    console.log(`  ${name}, seed ${seed}: error_rate ${r.err.toFixed(4)} (${r.secs.toFixed(0)} s)`);
  }
  rows.push([name, errs, secs]);
}
console.log(`\nfineTune(${epochs}) on ${target.join(' vs ')}, ${trainFiles.length} images; error_rate on ${validFiles.length} held-out images (chance 0.50)`);
console.log(`${'start'.padEnd(30)}${Array.from({ length: seeds }, (_, i) => `seed ${i + 1}`.padStart(9)).join('')}     mean   time`);
for (const [name, errs, secs] of rows) {
  const mean = errs.reduce((a, b) => a + b, 0) / errs.length;
  console.log(`${name.padEnd(30)}${errs.map((e) => e.toFixed(3).padStart(9)).join('')}  ${mean.toFixed(3).padStart(7)}  ${secs.toFixed(0).padStart(4)} s`);
}
console.log(`step 1 (8 classes): error_rate ${srcErr.toFixed(3)}, ${step1.toFixed(0)} s; total ${((performance.now() - t0) / 1000).toFixed(0)} s; load average at end: ${await loadavg()}`);
