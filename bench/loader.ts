// npm run bench:loader — which limits training here: the data loader or the training step? Numbers,
// not pass/fail. On a folder of Pets-like JPEGs of mixed sizes (generated once, reproducibly;
// bench/petsLike.ts), for each decode path (sharp, the pure-JS one):
//   1. decode + item transforms alone, in one worker (per core) and in the default pool;
//   2. the whole loader: list → decode → item transforms → collate → upload, as a training loop
//      pulls it (nothing else running), images/s;
// beside the ResNet-18 training step's images/s at the same size; then
//   3. a real epoch at 64 px with the default workers: the share of the training loop spent
//      waiting for data (learn.history.dataWait), and the prefetch depth it measured.
// The load average is printed before and after: these 2 cores are shared, so rerun it to compare.
//   npx tsx bench/loader.ts [--images 200] [--size 224] [--bs 32] [--train-bs 8] [--train-steps 2]
//                           [--epoch-images 128] [--only decode,loader,train,epoch] [--workers n]

import { readFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImageDataLoaders, init, manualSeed, Resize, resnet18, setDecodeWorkers, visionLearner, type Decoder } from '../src/node/index.js';
import { DecodePool } from '../src/node/decodePool.js';
import { decodePool } from '../src/node/images.js';
import { loadSharp } from '../src/node/sharpDecode.js';
import { petsLikeFolder } from './petsLike.js';
import { benchTrainWgslnet } from './train.js';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const only = new Set((process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1]! : 'decode,loader,train,epoch').split(','));
const [nImages, size, bs, trainBs, trainSteps, epochImages] = [arg('images', 200), arg('size', 224), arg('bs', 32), arg('train-bs', 8), arg('train-steps', 2), arg('epoch-images', 128)];
const workers = arg('workers', Number(process.env.WGSLNET_DECODE_WORKERS) || availableParallelism());
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

console.log(`load average (1, 5, 15 min) at start: ${loadavg()}; ${availableParallelism()} cores; decode workers: ${workers}`);
const t0 = performance.now();
const files = petsLikeFolder(join(tmpdir(), 'wgslnet-bench-pets-like-v1'), Math.max(nImages, epochImages));
console.log(`${files.length} Pets-like JPEGs (mixed sizes, 200×150 to 1600×1200) ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const sharpLoaded = await loadSharp();
const paths: Decoder[] = 'sharp' in sharpLoaded ? ['sharp', 'js'] : ['js'];
if (!('sharp' in sharpLoaded)) console.log(`sharp did not load (${sharpLoaded.error}): the JS path only`);
const set = files.slice(0, nImages);
const rows: string[][] = [['measure', ...paths, ...(paths.length > 1 ? ['sharp / js'] : [])]];
const fmt = (x: number) => x.toFixed(x < 1 ? 2 : x < 10 ? 1 : 0);
const addRow = (name: string, perPath: number[]) => rows.push([name, ...perPath.map(fmt), ...(perPath.length > 1 ? [`${(perPath[0]! / perPath[1]!).toFixed(1)}×`] : [])]);

/**
 * Decoding `set` with the item transforms in a pool of `n` workers: images per second of wall
 * time, and per CPU-second (this process's threads, the workers' and libvips' included: a
 * per-core rate that other sessions on the machine do not dilute).
 */
async function decodeRate(decoder: Decoder, n: number): Promise<{ wall: number; cpu: number }> {
  const pool = new DecodePool({ size: n });
  const jobs = set.map((source, i) => ({ source, tfms: [Resize(size)], seed: i, train: true }));
  await pool.load(jobs.slice(0, 2 * n), { decoder }); // start the workers
  const [t, c] = [performance.now(), process.cpuUsage()];
  await pool.load(jobs, { decoder });
  const cpu = process.cpuUsage(c);
  const rate = { wall: jobs.length / ((performance.now() - t) / 1000), cpu: jobs.length / ((cpu.user + cpu.system) / 1e6) };
  await pool.close();
  return rate;
}

if (only.has('decode')) {
  for (const n of [1, workers]) {
    const r: { wall: number; cpu: number }[] = [];
    for (const p of paths) r.push(await decodeRate(p, n));
    addRow(`decode + Resize(${size}), ${n} worker${n > 1 ? 's' : ''} (img/s)`, r.map((x) => x.wall));
    addRow(`decode + Resize(${size}), ${n} worker${n > 1 ? 's' : ''} (img per CPU-second)`, r.map((x) => x.cpu));
  }
}

const engine = only.has('loader') || only.has('train') || only.has('epoch') ? await init() : null;
if (engine) console.log(`GPU: ${engine.description}`);
await setDecodeWorkers(workers);

if (only.has('loader')) {
  const r: number[] = [];
  const depths: string[] = [];
  for (const decoder of paths) {
    const dls = ImageDataLoaders.fromNameFunc('', set, { labelFunc: (n) => n[0] === n[0]!.toUpperCase(), validPct: 0, bs, itemTfms: [Resize(size)], decoder, seed: 1 });
    for await (const b of dls.train) {
      b.x.dispose(); // warm-up batch: workers started
      break;
    }
    const t = performance.now();
    let n = 0;
    for await (const b of dls.train) {
      n += b.y.length;
      b.x.dispose();
    }
    r.push(n / ((performance.now() - t) / 1000));
    depths.push(`${decoder} ${dls.train.lastEpoch!.depth}`);
  }
  addRow(`whole loader, batches of ${bs} at ${size}² (img/s)`, r);
  console.log(`prefetch depth the loader measured (nothing to hide behind, so it saturates): ${depths.join(', ')}`);
  console.log(`decoded by: sharp ${decodePool().decoded.sharp}, js ${decodePool().decoded.js}`);
}

if (only.has('train')) {
  const step = await benchTrainWgslnet('resnet18', trainBs, size, trainSteps);
  rows.push([`ResNet-18 training step, batch ${trainBs} at ${size}² (img/s)`, fmt(step.imagesPerSecond), ...paths.slice(1).map(() => ''), ...(paths.length > 1 ? [''] : [])]);
}
console.log(`\n${rows.map((r) => r.map((c, i) => (i ? c.padStart(12) : c.padEnd(58))).join('')).join('\n')}`);

if (only.has('epoch')) {
  // A real epoch at 64 px, default workers and decoder: how much of the training loop waits for data.
  manualSeed(0);
  const dls = ImageDataLoaders.fromNameFunc('', files.slice(0, epochImages), { labelFunc: (n) => n[0] === n[0]!.toUpperCase(), validPct: 0.2, bs: 16, itemTfms: [Resize(64)], seed: 2 });
  const learn = visionLearner(dls, resnet18, { output: { line: () => {}, status: () => {} } });
  await learn.fit(1, 1e-3);
  const s = dls.train.lastEpoch!;
  const loop = s.waitSeconds + s.consumerSeconds;
  console.log(`\nepoch at 64 px, ${dls.train.length} batches of 16, ${workers} workers, decoder auto: training loop ${loop.toFixed(1)} s, waiting for data ${learn.history.dataWait[0]!.toFixed(2)} s = ${((100 * learn.history.dataWait[0]!) / loop).toFixed(1)} % (the first batch included); prefetch depth measured: ${s.depth} (max ${s.maxDepth}); decode pool time ${s.loadSeconds.toFixed(1)} s`);
  learn.dispose();
}
console.log(`\nload average at end: ${loadavg()}`);
await decodePool().close();
