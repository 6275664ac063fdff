#!/usr/bin/env node
// Fashion-MNIST (Debian's dataset-fashion-mnist: /usr/share/datasets/fashion-mnist) as PNG files.
//
//   node scripts/fashion_mnist.mjs sample <perClass> <out>
//       the first <perClass> training images of each class, as <out>/<class>_<index>.png — the
//       label is in the name, so ImageDataLoaders.fromNameFunc applies, as in fastai's Pets example.
//       data/fashion-sample (the demo's data) is `sample 250 data/fashion-sample`.
//   node scripts/fashion_mnist.mjs full <out>
//       all 70,000: <out>/train/<class>/<index>.png (60,000) and <out>/valid/<class>/<index>.png
//       (the 10,000 test images), for ImageDataLoaders.fromFolder or `wgslnet train <out>`.
//
// Needs the dataset package (apt-get install dataset-fashion-mnist); writes 8-bit grayscale PNGs.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import pngjs from 'pngjs';

const DIR = '/usr/share/datasets/fashion-mnist';
export const CLASSES = ['tshirt', 'trouser', 'pullover', 'dress', 'coat', 'sandal', 'shirt', 'sneaker', 'bag', 'ankle_boot'];

function idx(file) {
  let b;
  try {
    b = gunzipSync(readFileSync(join(DIR, file)));
  } catch (e) {
    console.error(`${join(DIR, file)}: cannot read (${e.code ?? e.message}); install Debian's dataset-fashion-mnist package`);
    process.exit(1);
  }
  const dims = b[3];
  const shape = Array.from({ length: dims }, (_, i) => b.readUInt32BE(4 + 4 * i));
  return { shape, data: b.subarray(4 + 4 * dims) };
}

function load(prefix) {
  const images = idx(`${prefix}-images-idx3-ubyte.gz`);
  const labels = idx(`${prefix}-labels-idx1-ubyte.gz`);
  return { n: labels.shape[0], label: (i) => labels.data[i], pixels: (i) => images.data.subarray(i * 784, (i + 1) * 784) };
}

function writePng(path, pixels) {
  const png = new pngjs.PNG({ width: 28, height: 28, colorType: 0, inputColorType: 0, inputHasAlpha: false });
  png.data = Buffer.from(pixels);
  writeFileSync(path, pngjs.PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false }));
}

const [mode, ...args] = process.argv.slice(2);
if (mode === 'sample') {
  const [perClass, out] = [Number(args[0]), args[1]];
  if (!(perClass > 0) || !out) throw new Error('usage: sample <perClass> <out>');
  mkdirSync(out, { recursive: true });
  const train = load('train');
  const taken = new Array(10).fill(0);
  for (let i = 0; i < train.n && taken.some((t) => t < perClass); i++) {
    const l = train.label(i);
    if (taken[l] >= perClass) continue;
    taken[l]++;
    writePng(join(out, `${CLASSES[l]}_${String(i).padStart(5, '0')}.png`), train.pixels(i));
  }
  console.log(`wrote ${taken.reduce((a, b) => a + b)} images to ${out}`);
} else if (mode === 'full') {
  const out = args[0];
  if (!out) throw new Error('usage: full <out>');
  for (const [split, prefix] of [['train', 'train'], ['valid', 't10k']]) {
    const d = load(prefix);
    for (const c of CLASSES) mkdirSync(join(out, split, c), { recursive: true });
    for (let i = 0; i < d.n; i++) writePng(join(out, split, CLASSES[d.label(i)], `${String(i).padStart(5, '0')}.png`), d.pixels(i));
    console.log(`wrote ${d.n} images to ${join(out, split)}`);
  }
} else {
  console.error('usage: node scripts/fashion_mnist.mjs sample <perClass> <out> | full <out>');
  process.exit(2);
}
