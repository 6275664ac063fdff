// Pets-like JPEGs, generated reproducibly (no dataset can be downloaded here): photographs of an
// animal-shaped textured blob on a soft background, at the mix of sizes Oxford-IIIT Pets has (most
// around 500×375, portrait and landscape, some small, some over 1000 px). Detail at every scale
// (gradients, fur-like value noise, edges, sensor noise) so a JPEG decoder does the work a real
// photograph asks of it. Encoded by jpeg-js at quality 90, so the bytes depend only on the seed.

import { existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { Rng } from '../src/tensor/random.js';

/** Width × height, and how many of every 20 images have it (roughly Pets' spread). */
const SIZES: [number, number, number][] = [
  [500, 375, 6],
  [375, 500, 3],
  [500, 333, 3],
  [333, 500, 1],
  [300, 225, 2],
  [500, 500, 1],
  [640, 480, 1],
  [1024, 768, 1],
  [1600, 1200, 1],
  [200, 150, 1],
];

/** Smooth 2-D value noise in [0, 1] with cells of `cell` pixels (hash of the lattice, bilinear). */
function valueNoise(seed: number, cell: number): (x: number, y: number) => number {
  const h = (i: number, j: number) => {
    let z = (Math.imul(i, 374761393) + Math.imul(j, 668265263) + Math.imul(seed, 1442695041)) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 1274126177) >>> 0;
    return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
  };
  return (x, y) => {
    const [u, v] = [x / cell, y / cell];
    const [i, j] = [Math.floor(u), Math.floor(v)];
    const [fu, fv] = [u - i, v - j];
    const [a, b] = [h(i, j) + (h(i + 1, j) - h(i, j)) * fu, h(i, j + 1) + (h(i + 1, j + 1) - h(i, j + 1)) * fu];
    return a + (b - a) * fv;
  };
}

/** One picture as RGBA (jpeg-js's encoder input). */
export function petsLikePixels(seed: number, width: number, height: number): Uint8Array {
  const rng = new Rng(seed);
  const colour = () => [rng.next() * 255, rng.next() * 255, rng.next() * 255];
  const [bg0, bg1, fur0, fur1] = [colour(), colour(), colour(), colour()];
  const s = Math.min(width, height);
  const body = { x: width * (0.3 + 0.4 * rng.next()), y: height * (0.4 + 0.3 * rng.next()), rx: s * (0.2 + 0.15 * rng.next()), ry: s * (0.15 + 0.1 * rng.next()) };
  const head = { x: body.x + body.rx * (rng.next() < 0.5 ? -0.9 : 0.9), y: body.y - body.ry * 0.9, r: s * (0.1 + 0.06 * rng.next()) };
  const [coarse, fine, stripes] = [valueNoise(seed, s / 6), valueNoise(seed + 1, 3), 2 + rng.int(8)];
  const out = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inBody = ((x - body.x) / body.rx) ** 2 + ((y - body.y) / body.ry) ** 2 < 1;
      const inHead = (x - head.x) ** 2 + (y - head.y) ** 2 < head.r ** 2;
      let rgb: number[];
      if (inBody || inHead) {
        const t = 0.5 + 0.3 * Math.sin((x + y * 0.5) / stripes) + 0.4 * (fine(x, y) - 0.5);
        rgb = fur0.map((c, k) => c + (fur1[k]! - c) * t);
      } else {
        const t = 0.6 * (y / height) + 0.4 * coarse(x, y);
        rgb = bg0.map((c, k) => c + (bg1[k]! - c) * t);
      }
      const o = (y * width + x) * 4;
      for (let k = 0; k < 3; k++) out[o + k] = Math.max(0, Math.min(255, Math.round(rgb[k]! + (rng.next() - 0.5) * 8)));
      out[o + 3] = 255;
    }
  }
  return out;
}

/** The size of image i of a set (the same for every run). */
export function petsLikeSize(i: number): [number, number] {
  const slots = SIZES.flatMap(([w, h, n]) => Array.from({ length: n }, () => [w, h] as [number, number]));
  return slots[(i * 7) % slots.length]!;
}

/** Image i of a set as JPEG bytes. */
export function petsLikeJpeg(i: number): Uint8Array {
  const [w, h] = petsLikeSize(i);
  return new Uint8Array(jpeg.encode({ data: petsLikePixels(1000 + i, w, h), width: w, height: h }, 90).data);
}

/**
 * `n` Pets-like JPEGs in `dir` (made once, kept; named as Pets names them: an upper-case first
 * letter for cats). Returns the file paths.
 */
export function petsLikeFolder(dir: string, n: number): string[] {
  const files = Array.from({ length: n }, (_, i) => join(dir, `${i % 2 ? 'Bengal' : 'beagle'}_${i}.jpg`));
  const have = existsSync(dir) ? new Set(readdirSync(dir)) : new Set<string>();
  mkdirSync(dir, { recursive: true });
  files.forEach((f, i) => {
    if (have.has(f.slice(dir.length + 1))) return;
    writeFileSync(`${f}.tmp`, petsLikeJpeg(i));
    renameSync(`${f}.tmp`, f);
  });
  return files;
}
