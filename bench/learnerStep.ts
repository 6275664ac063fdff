// The Learner's training-step time in steady state, as a user's fit() runs it: ResNet-18 on real
// Fashion-MNIST images from data/fashion-sample. The time of each step is the interval between
// consecutive training progress updates (the Output's status line), so the same measurement works
// for any version of the loop; the median over the steps after the first few is reported.
//   npx tsx bench/learnerStep.ts [--steps 30] [--size 32] [--bs 16] [--sync-each-step]
// --sync-each-step adds a callback that reads every step's loss before the next step is recorded
// (the loop before issue 13: the GPU waited for the host between steps), for an A/B in one run.

import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { errorRate, getImageFiles, ImageDataLoaders, init, manualSeed, Resize, resnet18, visionLearner, type Learner } from '../src/node/index.js';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const [steps, size, bs] = [arg('steps', 30), arg('size', 32), arg('bs', 16)];
const syncEachStep = process.argv.includes('--sync-each-step');

const engine = await init();
const sample = fileURLToPath(new URL('../data/fashion-sample', import.meta.url));
const files = getImageFiles(sample).slice(0, (steps + 1) * bs + bs);
manualSeed(0);
const dls = ImageDataLoaders.fromNameFunc(sample, files, { labelFunc: (n) => n.replace(/_\d+\.png$/, ''), validPct: bs / files.length, seed: 0, itemTfms: [Resize(size)], bs });
const stamps: number[] = [];
const learn = visionLearner(dls, resnet18, {
  metrics: [errorRate],
  output: { line: () => {}, status: (s) => (/ \d+\.\d{4}\]$/.test(s) ? stamps.push(performance.now()) : 0) },
});
// The A/B switch: wait for each step's loss before the next step is recorded.
const cbs = syncEachStep ? [{ afterStep: async (l: Learner) => void (await l.lossGrad?.item()) }] : [];
await learn.fit(1, 1e-3, { cbs });
const gaps = stamps.slice(1).map((t, i) => t - stamps[i]!).slice(3);
gaps.sort((a, b) => a - b);
const median = gaps[Math.floor(gaps.length / 2)]!;
console.log(`adapter: ${engine.description}`);
console.log(`resnet18, ${size}px, batch ${bs}: ${gaps.length} steady-state steps, median ${median.toFixed(1)} ms/step` +
  ` (min ${gaps[0]!.toFixed(1)}, max ${gaps.at(-1)!.toFixed(1)})${syncEachStep ? ', loss read every step' : ''}; ` +
  `loadavg ${loadavg().map((v) => v.toFixed(2)).join(' ')} on ${cpus().length} cores`);
learn.dispose();
