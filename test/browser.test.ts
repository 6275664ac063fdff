// The same core in a browser: Debian's Chromium, headless, with WebGPU on SwiftShader, driven by
// playwright-core. The page is served from 127.0.0.1 (WebGPU needs a secure context).

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, servePage } from '../scripts/chromium.mjs';
import { applyItemTfms, Resize } from '../src/data/itemTransforms.js';
import { decodeImage } from '../src/node/decode.js';
import { SAMPLE } from './helpers/fashion.js';

let browser: Browser;
let url: string;
let closeServer: () => Promise<void>;

beforeAll(async () => {
  const served = await servePage(fileURLToPath(new URL('./browser/page.ts', import.meta.url)), (path) => {
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

describe('browser (Chromium, SwiftShader WebGPU)', () => {
  it('runs a matmul and its gradients on navigator.gpu, matching the reference', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(url);
    await page.waitForFunction(() => typeof (globalThis as { runChecks?: unknown }).runChecks === 'function', null, { timeout: 60_000 });
    const result = await page.evaluate(() => (globalThis as unknown as { runChecks: () => Promise<Record<string, unknown>> }).runChecks());
    expect(errors).toEqual([]);
    console.log(`browser adapter: ${result.adapter}`);
    expect(result.software).toBe(true);
    expect(result.forward).toBeLessThan(1e-4);
    expect(result.gradA).toBeLessThan(1e-4);
    expect(result.gradB).toBeLessThan(1e-4);
  }, 120_000);

  it('runs the CPU-adapter kernels at the adapter\'s own subgroup width (4 on SwiftShader), matching the reference', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(url);
    await page.waitForFunction(() => typeof (globalThis as { runPanelChecks?: unknown }).runPanelChecks === 'function', null, { timeout: 60_000 });
    const r = await page.evaluate(() => (globalThis as unknown as { runPanelChecks: () => Promise<Record<string, number | string | null>> }).runPanelChecks());
    expect(errors).toEqual([]);
    console.log(`browser panel kernels: subgroup size ${r.subgroupSize}`);
    expect(r.subgroupSize).toBe(4);
    for (const [k, v] of Object.entries(r)) if (typeof v === 'number' && k !== 'subgroupSize') expect(v, k).toBeLessThan(1e-4);
    expect(Object.keys(r)).toHaveLength(9);
  }, 240_000);

  it('decodes, transforms and batches images (createImageBitmap), and a vision learner predicts', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(url);
    await page.waitForFunction(() => typeof (globalThis as { runImageChecks?: unknown }).runImageChecks === 'function', null, { timeout: 60_000 });
    const names = ['bag_00023.png', 'trouser_00016.png', 'sneaker_00006.png'];
    type R = { batch: { items: string[]; values: number[]; shape: number[] }; vocab: string[]; label: string; probSum: number };
    const r = await page.evaluate((u) => (globalThis as unknown as { runImageChecks: (u: string[]) => Promise<R> }).runImageChecks(u), names.map((n) => `/images/${n}`));
    expect(errors).toEqual([]);
    expect(r.batch.shape).toEqual([3, 3, 8, 8]);
    expect(r.vocab).toEqual(['bag', 'sneaker', 'trouser']);
    // Each image as Node decodes and resizes it, divided by 255 (no normalisation: not pretrained).
    r.batch.items.forEach((item, n) => {
      const img = applyItemTfms([Resize(8, { method: 'squish' })], decodeImage(readFileSync(join(SAMPLE, item.slice(8))), item), 0, true);
      for (let c = 0; c < 3; c++) for (let p = 0; p < 64; p++) expect(r.batch.values[(n * 3 + c) * 64 + p]! * 255).toBeCloseTo(img.data[p * 3 + c]!, 2);
    });
    expect(r.vocab).toContain(r.label);
    expect(r.probSum).toBeCloseTo(1, 5);
  }, 120_000);
});
