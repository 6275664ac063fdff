// Small runs learn above chance quickly: each converter's images, made in memory and fed through
// ImageDataLoaders.fromImages to the ordinary learner — visionLearner(resnet18) from random
// weights, fastai's fineTune(2), batches of 8, 28 px, 180 items of 3 classes (the recipe of the
// Fashion-MNIST test in fastai.test.ts). Chance is an error rate of 0.667; each must beat 0.45
// on its 36 held-out items (2.8 standard deviations of a guesser below chance).

import { gzipSync } from 'node:zlib';
import { beforeAll, expect, it } from 'vitest';
import { bytesImage, encodeWav, errorRate, ImageDataLoaders, manualSeed, Resize, seriesImages, soundImages, visionLearner, type RgbImage } from '../src/node/index.js';
import { Rng } from '../src/tensor/random.js';
import { controlCharts } from '../bench/data/controlCharts.js';
import { setupGpu } from './helpers/gpu.js';

beforeAll(setupGpu);

async function validError(items: { image: RgbImage; label: string }[], squish = false): Promise<number> {
  manualSeed(42);
  const named = items.map((it, i) => ({ name: `${it.label}/${i}`, ...it }));
  const dls = ImageDataLoaders.fromImages(named, { validPct: 0.2, seed: 42, bs: 8, itemTfms: [Resize(28, { method: squish ? 'squish' : 'crop' })] });
  const lines: string[] = [];
  const learn = visionLearner(dls, 'resnet18', { metrics: [errorRate], pretrained: false, output: { line: (s) => lines.push(s), status: () => {} } });
  await learn.fineTune(2);
  console.log(lines.join('\n'));
  const error = learn.history.values.at(-1)![3]!;
  learn.dispose();
  return error;
}

it('series: recurrence plots of normal, cyclic and trending control charts', async () => {
  const { series, labels } = controlCharts(60, 5);
  const keep = labels.flatMap((l, i) => (['normal', 'cyclic', 'increasing_trend'].includes(l) ? [i] : []));
  const images = await seriesImages(keep.map((i) => series[i]!), { methods: ['rp'], size: 28 });
  expect(await validError(images.map((image, k) => ({ image, label: labels[keep[k]!]! })))).toBeLessThan(0.45);
}, 900_000);

it('sound: spectrograms of rising, falling and two-note calls (three harmonics) at random pitches and lengths', async () => {
  const rng = new Rng(11);
  const sr = 22050;
  const sounds: { name: string; bytes: Uint8Array; label: string }[] = [];
  for (let k = 0; k < 60; k++) {
    for (const label of ['rising', 'falling', 'two_note']) {
      const base = 300 * (0.7 + 0.7 * rng.next());
      const n = Math.round(sr * (0.3 + 0.3 * rng.next()));
      let phase = 0;
      const x = Float32Array.from({ length: n }, (_, t) => {
        const u = t / n;
        const f = label === 'rising' ? base * (1 + 3 * u) : label === 'falling' ? base * (4 - 3 * u) : base * (Math.floor(u * 4) % 2 ? 3 : 1.5);
        phase += (2 * Math.PI * f) / sr;
        return 0.3 * Math.sin(phase) + 0.15 * Math.sin(2 * phase) + 0.1 * Math.sin(3 * phase) + 0.002 * (rng.next() - 0.5);
      });
      sounds.push({ name: `${label}_${k}.wav`, bytes: encodeWav([x], sr), label });
    }
  }
  const images = await soundImages(sounds, { nMels: 28, hop: 343, duration: 0.6 }); // 28 × 28
  expect(await validError(images.map((image, i) => ({ image, label: sounds[i]!.label })))).toBeLessThan(0.45);
}, 900_000);

it('bytes: text, gzip-compressed text and float32 arrays', async () => {
  const rng = new Rng(5);
  const words = ['the', 'kernel', 'tensor', 'image', 'learner', 'batch', 'of', 'and', 'a', 'to', 'shader', 'GPU'];
  const items: { image: RgbImage; label: string }[] = [];
  for (let k = 0; k < 60; k++) {
    const text = Array.from({ length: 300 + rng.int(2000) }, () => words[rng.int(words.length)]).join(rng.next() < 0.5 ? ' ' : '\n');
    const bytes = new TextEncoder().encode(text);
    const floats = Float32Array.from({ length: 200 + rng.int(2000) }, (_, i) => Math.sin(i * 0.05 * (1 + rng.next())) * (1 + k));
    items.push({ image: bytesImage(bytes, 'text'), label: 'text' });
    items.push({ image: bytesImage(gzipSync(bytes), 'gzip'), label: 'gzip' });
    items.push({ image: bytesImage(new Uint8Array(floats.buffer), 'f32'), label: 'float32' });
  }
  expect(await validError(items, true)).toBeLessThan(0.45);
}, 900_000);
