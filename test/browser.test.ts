// The same core in a browser: Debian's Chromium, headless, with WebGPU on SwiftShader, driven by
// playwright-core. The page is served from 127.0.0.1 (WebGPU needs a secure context).

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, servePage } from '../scripts/chromium.mjs';
import { bundle } from '../scripts/bundle.mjs';
import { petsLikeJpeg } from '../bench/petsLike.js';
import { toPlanes } from '../src/data/image.js';
import { applyItemTfms, RandomResizedCrop, Resize, type ItemTfm } from '../src/data/itemTransforms.js';
import { decodeImage } from '../src/node/decode.js';
import { SAMPLE } from './helpers/fashion.js';

/** Photo-like JPEGs (500×375, 375×500), served as /photos/<i>.jpg. */
const PHOTOS = [petsLikeJpeg(0), petsLikeJpeg(1)];
let browser: Browser;
let url: string;
let closeServer: () => Promise<void>;

beforeAll(async () => {
  const worker = (await bundle(fileURLToPath(new URL('./browser/imageWorker.ts', import.meta.url))))!;
  const served = await servePage(fileURLToPath(new URL('./browser/page.ts', import.meta.url)), (path) => {
    if (path === '/worker.js') return { type: 'text/javascript', body: worker };
    const photo = path.startsWith('/photos/') ? PHOTOS[Number(path.slice(8, -4))] : undefined;
    if (photo) return { type: 'image/jpeg', body: photo };
    const file = path.startsWith('/images/') ? join(SAMPLE, path.slice(8)) : null;
    return file && existsSync(file) ? { type: 'image/png', body: readFileSync(file) } : undefined;
  });
  url = served.url;
  closeServer = served.close;
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await closeServer?.();
});

/**
 * Opens the test page, waits for its function `name` (test/browser/page.ts), calls it with `arg`
 * and returns what it resolved to; an error thrown on the page fails the test.
 */
async function callPage<T>(name: string, arg?: unknown): Promise<T> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  await page.waitForFunction((n) => typeof (globalThis as Record<string, unknown>)[n] === 'function', name, { timeout: 60_000 });
  const result = await page.evaluate(([n, a]) => ((globalThis as unknown as Record<string, (a: unknown) => Promise<unknown>>)[n as string]!)(a), [name, arg] as const);
  expect(errors).toEqual([]);
  return result as T;
}

describe('browser (Chromium, SwiftShader WebGPU)', () => {
  it('runs a matmul and its gradients on navigator.gpu, matching the reference', async () => {
    const result = await callPage<Record<string, unknown>>('runChecks');
    console.log(`browser adapter: ${result.adapter}`);
    expect(result.software).toBe(true);
    expect(result.forward).toBeLessThan(1e-4);
    expect(result.gradA).toBeLessThan(1e-4);
    expect(result.gradB).toBeLessThan(1e-4);
  }, 120_000);

  it('runs the CPU-adapter kernels at the adapter\'s own subgroup width (4 on SwiftShader), matching the reference', async () => {
    const r = await callPage<Record<string, number | string | null>>('runPanelChecks');
    console.log(`browser panel kernels: subgroup size ${r.subgroupSize}`);
    expect(r.subgroupSize).toBe(4);
    for (const [k, v] of Object.entries(r)) if (typeof v === 'number' && k !== 'subgroupSize') expect(v, k).toBeLessThan(1e-4);
    expect(Object.keys(r)).toHaveLength(9);
  }, 240_000);

  it('computes log-mel spectrograms (mixed-radix FFT) and the four time-series fields, matching their f64 references', async () => {
    const r = await callPage<Record<string, number>>('runConvertChecks');
    console.log(`browser converters: ${JSON.stringify(r)}`);
    expect(Object.keys(r).sort()).toEqual(['gadf', 'gasf', 'melBinsCompared', 'melSpectrogram', 'mtf', 'rp']);
    expect(r.melBinsCompared).toBeGreaterThan(500); // of 40 mels × 40 frames
    expect(r.melSpectrogram, 'largest dB difference').toBeLessThan(0.005); // as the Node tests
    for (const m of ['gasf', 'gadf', 'mtf', 'rp']) expect(r[m], m).toBeLessThan(2e-6); // relative to the largest value
  }, 240_000);

  it('decodes, transforms and batches images (createImageBitmap), and a vision learner predicts', async () => {
    const names = ['bag_00023.png', 'trouser_00016.png', 'sneaker_00006.png'];
    type R = { batch: { items: string[]; values: number[]; shape: number[] }; vocab: string[]; label: string; probSum: number };
    const r = await callPage<R>('runImageChecks', names.map((n) => `/images/${n}`));
    expect(r.batch.shape).toEqual([3, 3, 8, 8]);
    expect(r.vocab).toEqual(['bag', 'sneaker', 'trouser']);
    // Each image as Node decodes and resizes it, divided by 255 (no normalisation: not pretrained).
    r.batch.items.forEach((item, n) => {
      const img = applyItemTfms([Resize(8, { method: 'squish' })], decodeImage(readFileSync(join(SAMPLE, item.slice(8))), item), 0, true);
      // 28 → 8 px: createImageBitmap halves (28 → 14), the JS resampler does the rest: within 8 levels.
      for (let c = 0; c < 3; c++) for (let p = 0; p < 64; p++) expect(Math.abs(r.batch.values[(n * 3 + c) * 64 + p]! * 255 - img.data[p * 3 + c]!)).toBeLessThanOrEqual(8);
    });
    expect(r.vocab).toContain(r.label);
    expect(r.probSum).toBeCloseTo(1, 5);
  }, 120_000);

  it('in a Web Worker: createImageBitmap decodes, cuts and shrinks by powers of two, within 8 levels of the JS path (mean under 1); decoder js matches Node', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(url);
    const tfms: [ItemTfm[], boolean][] = [[[Resize(64)], true], [[Resize(224)], false], [[Resize([48, 64], { method: 'squish' })], true], [[Resize(64, { method: 'pad' })], false], [[RandomResizedCrop(64)], true], [[RandomResizedCrop(64)], false]];
    const sources = ['/photos/0.jpg', '/photos/1.jpg', '/images/bag_00023.png'];
    const jobs = sources.flatMap((source, i) => tfms.map(([t, train], k) => ({ source, tfms: t, seed: 10 * i + k, train })));
    const files = (u: string) => (u.startsWith('/photos/') ? PHOTOS[Number(u.slice(8, -4))]! : readFileSync(join(SAMPLE, u.slice(8))));
    const batchUrls = ['bag_00023.png', 'trouser_00016.png', 'sneaker_00006.png'].map((n) => `/images/${n}`);
    type Img = { width: number; height: number; data: number[] };
    type R = { error?: string; inWorker: boolean; images: Img[]; batch: { values: number[]; shape: number[] } };
    const inWorker = (decoder: string) =>
      page.evaluate(
        (data) => new Promise<R>((resolve) => {
          const w = new Worker('/worker.js', { type: 'module' });
          w.onmessage = (e) => resolve(e.data as R);
          w.postMessage(data);
        }),
        { jobs, decoder, batchUrls },
      );
    for (const decoder of ['auto', 'js']) {
      const r = await inWorker(decoder);
      expect(r.error).toBeUndefined();
      expect(r.inWorker).toBe(true);
      let worst = 0;
      r.images.forEach((im, i) => {
        const j = jobs[i]!;
        const want = applyItemTfms(j.tfms, decodeImage(files(j.source), j.source), j.seed, j.train);
        expect([im.width, im.height]).toEqual([want.width, want.height]);
        const d = im.data.map((v, k) => Math.abs(v - want.data[k]!));
        const [max, mean] = [d.reduce((a, b) => Math.max(a, b), 0), d.reduce((a, b) => a + b, 0) / d.length];
        worst = Math.max(worst, mean);
        const png = j.source.endsWith('.png');
        const what = `${decoder} ${j.source} ${j.tfms[0]!.kind} ${j.train ? 'train' : 'valid'}`;
        // js: only the JPEG decoders differ (Chromium's libjpeg-turbo, jpeg-js); PNGs are exact.
        // auto: Chromium's mipmaps add a little (measured: at most 5 levels, mean under 0.5).
        expect(max, what).toBeLessThanOrEqual(decoder === 'js' ? (png ? 0 : 4) : 8);
        expect(mean, what).toBeLessThan(1);
      });
      console.log(`browser worker, decoder ${decoder}: ${decoder === 'auto' ? 'createImageBitmap resized' : 'JS transforms'}, worst mean difference from Node's JS path ${worst.toFixed(2)} levels`);
      // The DataLoader batch, made on the worker's GPU: validation centre crops, 28 → 20 px (a
      // shrink by less than 2: the JS transforms run on either decoder), PNGs: Node's bytes exactly.
      expect(r.batch.shape).toEqual([3, 3, 20, 20]);
      batchUrls.forEach((u, n) => {
        const want = toPlanes([applyItemTfms([Resize(20)], decodeImage(files(u), u), 0, false)]);
        want.forEach((v, k) => expect(Math.abs(r.batch.values[n * 1200 + k]! * 255 - v)).toBeLessThan(1e-3));
      });
    }
    expect(errors).toEqual([]);
  }, 180_000);
});
