// augment.wgsl (the GPU batch transforms) against pixels computed by hand and against the f64 CPU
// reference (src/reference/augment.ts), and the random draws of augTransforms().

import { beforeAll, describe, expect, it } from 'vitest';
import { augmentBatch, augTransforms, drawImageTfm, homography, IDENTITY_TFM, imagenetStats } from '../src/data/batchTransforms.js';
import { tensor } from '../src/node/index.js';
import { augmentRef } from '../src/reference/augment.js';
import { Rng } from '../src/tensor/random.js';
import { setupGpu } from './helpers/gpu.js';

beforeAll(setupGpu);

const [N, C, H, W] = [3, 3, 5, 7];
const pixels = Float32Array.from({ length: N * C * H * W }, (_, i) => (i * 37) % 256);
const at = (n: number, c: number, y: number, x: number) => pixels[((n * C + c) * H + y) * W + x]!;

async function run(tfms: number[][], norm = imagenetStats): Promise<Float32Array> {
  const src = tensor(pixels, [N, C, H, W]);
  const out = augmentBatch(src, tfms, norm);
  const v = await out.toArray();
  src.dispose();
  out.dispose();
  return v;
}

describe('augment kernel', () => {
  it('identity: pixels / 255, normalised per channel', async () => {
    const v = await run([IDENTITY_TFM, IDENTITY_TFM, IDENTITY_TFM]);
    for (const [n, c, y, x] of [[0, 0, 0, 0], [1, 2, 4, 6], [2, 1, 3, 2]] as const) {
      expect(v[((n * C + c) * H + y) * W + x]).toBeCloseTo((at(n, c, y, x) / 255 - imagenetStats.mean[c]!) / imagenetStats.std[c]!, 5);
    }
  });
  it('horizontal flip mirrors columns exactly; vertical flip mirrors rows', async () => {
    const flipX = [-1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1];
    const flipY = [1, 0, 0, 0, -1, 0, 0, 0, 1, 0, 0, 1];
    const v = await run([flipX, flipY, IDENTITY_TFM], { mean: [0, 0, 0], std: [1, 1, 1] });
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        expect(v[(0 * H + y) * W + x]! * 255).toBeCloseTo(at(0, 0, y, W - 1 - x), 3);
        expect(v[((1 * C + 2) * H + y) * W + x]! * 255).toBeCloseTo(at(1, 2, H - 1 - y, x), 3);
      }
    }
  });
  it('lighting: sigmoid((logit(p) + brightness) · contrast), by hand', async () => {
    const lit = [1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0.3, 1.2];
    const v = await run([lit, IDENTITY_TFM, IDENTITY_TFM], { mean: [0, 0, 0], std: [1, 1, 1] });
    const p = Math.min(Math.max(at(0, 1, 2, 3) / 255, 1e-7), 1 - 1e-7);
    expect(v[(1 * H + 2) * W + 3]).toBeCloseTo(1 / (1 + Math.exp(-(Math.log(p / (1 - p)) + 0.3) * 1.2)), 5);
  });
  it('a half-pixel shift interpolates neighbours; shifting past the edge reflects', async () => {
    // x̂ spans 2 units over W − 1 pixels, so adding 1/(W − 1) moves every sample half a pixel right.
    const half = 1 / (W - 1);
    const shift = [1, 0, half, 0, 1, 0, 0, 0, 1, 0, 0, 1];
    const v = await run([shift, IDENTITY_TFM, IDENTITY_TFM], { mean: [0, 0, 0], std: [1, 1, 1] });
    expect(v[2 * W + 1]! * 255).toBeCloseTo((at(0, 0, 2, 1) + at(0, 0, 2, 2)) / 2, 3);
    // the last column samples x = W − 1 + ½, reflected to W − 1 − ½
    expect(v[2 * W + W - 1]! * 255).toBeCloseTo((at(0, 0, 2, W - 1) + at(0, 0, 2, W - 2)) / 2, 3);
  });
  it('random fastai transforms (rotation, zoom, warp, lighting) match the f64 reference', async () => {
    const rng = new Rng(3);
    const aug = augTransforms({ pAffine: 1, pLighting: 1 });
    const tfms = [0, 1, 2].map(() => drawImageTfm(aug, rng));
    const v = await run(tfms);
    const ref = augmentRef(pixels, [N, C, H, W], tfms, imagenetStats.mean, imagenetStats.std);
    let worst = 0;
    ref.forEach((r, i) => (worst = Math.max(worst, Math.abs(r - v[i]!))));
    expect(worst).toBeLessThan(2e-3); // f32 coordinates and logits against f64
  });
});

describe('augTransforms draws', () => {
  it('follow fastai: flips half the time, rotation within ±10°, zoom in 1–1.1, lighting within bounds', () => {
    const rng = new Rng(1);
    const aug = augTransforms({ maxWarp: 0 });
    let flips = 0;
    const n = 2000;
    for (let i = 0; i < n; i++) {
      const t = drawImageTfm(aug, rng);
      const det = t[0]! * t[4]! - t[1]! * t[3]!;
      if (det < 0) flips++;
      const scale = Math.sqrt(Math.abs(det)); // rotation keeps it; zoom s ∈ [1/1.1, 1]
      expect(scale).toBeGreaterThan(1 / 1.1 - 1e-9);
      expect(scale).toBeLessThanOrEqual(1 + 1e-9);
      const angle = (Math.atan2(Math.abs(t[3]!), Math.abs(t[4]!)) * 180) / Math.PI;
      expect(angle).toBeLessThanOrEqual(10 + 1e-6);
      if (t[9]) {
        expect(Math.abs(t[10]!)).toBeLessThanOrEqual(Math.log(0.6 / 0.4) + 1e-9);
        expect(t[11]!).toBeGreaterThanOrEqual(0.8 - 1e-9);
        expect(t[11]!).toBeLessThanOrEqual(1.25 + 1e-9);
      }
    }
    expect(flips / n).toBeGreaterThan(0.45);
    expect(flips / n).toBeLessThan(0.55);
  });
  it('the warp homography sends the corners where asked', () => {
    const to: [number, number][] = [[-1.1, -0.9], [-0.95, 1.05], [1.02, -1.1], [0.9, 0.97]];
    const h = homography(to);
    ([[-1, -1], [-1, 1], [1, -1], [1, 1]] as const).forEach(([x, y], i) => {
      const w = h[6]! * x + h[7]! * y + h[8]!;
      expect((h[0]! * x + h[1]! * y + h[2]!) / w).toBeCloseTo(to[i]![0], 9);
      expect((h[3]! * x + h[4]! * y + h[5]!) / w).toBeCloseTo(to[i]![1], 9);
    });
  });
});
