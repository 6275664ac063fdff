// The Learner's training-step time in steady state, as a user's fit() runs it: ResNet-18 on real
// Fashion-MNIST images from data/fashion-sample. A step's time is the interval between consecutive
// training progress updates (the Output's status line); the median over each fit's steps after
// the first three is reported.
//   npx tsx bench/learnerStep.ts [--steps 20] [--size 32] [--bs 16] [--rounds 2]
// Each round runs two fits on the same learner, alternating: the loop as it is (each step's loss
// read one step late), and the loop with a callback that reads every step's loss before the next
// step is recorded (what the loop did before: the GPU waited for the host between steps).

import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { errorRate, getImageFiles, ImageDataLoaders, init, manualSeed, Resize, resnet18, visionLearner, type Learner } from '../src/node/index.js';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const [steps, size, bs, rounds] = [arg('steps', 20), arg('size', 32), arg('bs', 16), arg('rounds', 2)];

const engine = await init();
console.log(`adapter: ${engine.description}`);
const sample = fileURLToPath(new URL('../data/fashion-sample', import.meta.url));
const all = getImageFiles(sample); // sorted by class: take every k-th so that every class is in
const n = (steps + 1) * bs + bs;
const files = all.filter((_, i) => i % Math.max(1, Math.floor(all.length / n)) === 0).slice(0, n);
manualSeed(0);
const dls = ImageDataLoaders.fromNameFunc(sample, files, { labelFunc: (n) => n.replace(/_\d+\.png$/, ''), validPct: bs / files.length, seed: 0, itemTfms: [Resize(size)], bs });
let stamps: number[] = [];
const learn = visionLearner(dls, resnet18, {
  metrics: [errorRate],
  output: { line: () => {}, status: (s) => void (/ \d+\.\d{4}\]$/.test(s) && stamps.push(performance.now())) },
});
const syncEveryStep = { afterStep: async (l: Learner) => void (await l.lossGrad?.item()) };
// How long the host takes to record a step (beforeBatch to afterStep: forward, backward and the
// optimizer, all recorded, nothing awaited): the most that overlapping it with the GPU can save.
let t0 = 0;
const recordMs: number[] = [];
const recordTime = { order: -100, beforeBatch: (l: Learner) => void (l.training && (t0 = performance.now())), afterStep: () => void recordMs.push(performance.now() - t0) };
learn.addCb(recordTime);

async function medianStep(sync: boolean): Promise<number> {
  stamps = [];
  await learn.fit(1, 1e-3, { cbs: sync ? [syncEveryStep] : [] });
  const gaps = stamps
    .slice(1)
    .map((t, i) => t - stamps[i]!)
    .slice(3)
    .sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 2)]!;
}

const results: Record<string, number[]> = { 'loss read one step late': [], 'loss read every step': [] };
for (let r = 0; r < rounds; r++) {
  results['loss read one step late']!.push(await medianStep(false));
  results['loss read every step']!.push(await medianStep(true));
}
console.log(`resnet18, ${size}px, batch ${bs}, ${steps} steps per fit, ${rounds} rounds (median ms/step of each fit):`);
for (const [k, v] of Object.entries(results)) console.log(`  ${k.padEnd(26)} ${v.map((x) => x.toFixed(1)).join('  ')}`);
recordMs.sort((a, b) => a - b);
console.log(`  host time to record a step (median): ${recordMs[Math.floor(recordMs.length / 2)]!.toFixed(1)} ms`);
console.log(`loadavg ${loadavg().map((v) => v.toFixed(2)).join(' ')} on ${cpus().length} cores`);
learn.dispose();
