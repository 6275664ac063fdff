// Pretrained weights in Chromium (SwiftShader WebGPU), against a local server on 127.0.0.1: a URL
// downloaded once, hash-checked with crypto.subtle and kept in the Cache Storage; a wrong hash kept
// nowhere; torchvision's default found in the Cache Storage, or unavailable in one line; a File
// the user picked; Module.loadPth on bytes. The page is test/browser/weightsPage.ts.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, servePage } from '../scripts/chromium.mjs';
import { SAMPLE } from './helpers/fashion.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const FIX = join(root, 'test/fixtures/pth');
const WEIGHTS = readFileSync(join(FIX, 'resnet18_constant_deflated.pth'));
const NAME = `resnet18-${createHash('sha256').update(WEIGHTS).digest('hex').slice(0, 8)}.pth`;
const TV = 'resnet18-f37072fd.pth';
const CONV1 = Math.fround(0.001); // the fixture's conv1.weight: tensor 0 holds (0 + 1) / 1000
const hits = new Map<string, number>();
let page: { url: string; close: () => Promise<void> };
let browser: Browser;

/** /files/<NAME or TV>: the weights; /fixtures/x and /images/x: those files; anything else 404. */
function route(path: string): { type: string; body: Uint8Array } | undefined {
  hits.set(path, (hits.get(path) ?? 0) + 1);
  const [, kind, name = ''] = path.split('/');
  if (kind === 'files' && (name === NAME || name === TV)) return { type: 'application/octet-stream', body: WEIGHTS };
  if (kind === 'fixtures' && existsSync(join(FIX, name))) return { type: 'application/octet-stream', body: readFileSync(join(FIX, name)) };
  if (kind === 'images' && existsSync(join(SAMPLE, name))) return { type: 'image/png', body: readFileSync(join(SAMPLE, name)) };
  return undefined;
}

beforeAll(async () => {
  page = await servePage(fileURLToPath(new URL('./browser/weightsPage.ts', import.meta.url)), route);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await page?.close();
});

describe('pretrained weights in the browser', () => {
  it('from a URL (cached), torchvision’s default (cached or not), a picked File, and loadPth', async () => {
    const tab = await browser.newPage();
    const errors: string[] = [];
    tab.on('pageerror', (e) => errors.push(String(e)));
    await tab.goto(page.url);
    await tab.waitForFunction(() => typeof (globalThis as { runWeightChecks?: unknown }).runWeightChecks === 'function', null, { timeout: 60_000 });
    await tab.setInputFiles('#weights', join(FIX, 'resnet18_constant_deflated.pth'));
    const images = ['bag_00023.png', 'trouser_00016.png'].map((n) => `/images/${n}`);
    type L = { conv1: number[]; frozen: boolean; normalized: boolean; error: string };
    const r = (await tab.evaluate((a) => (globalThis as unknown as { runWeightChecks: (a: unknown) => Promise<unknown> }).runWeightChecks(a), { images, name: NAME, tv: TV })) as Record<string, L> & {
      cachedAfterUrl: string[];
      cachedAfterWrongHash: string[];
      defaultLines: string[];
      tinyKeys: number;
      tinySaid: string[];
      tinyLinear: number[];
    };
    expect(errors).toEqual([]);
    const loaded = { conv1: [CONV1], frozen: true, normalized: true, error: '' };
    expect(r.fromUrl).toEqual(loaded);
    expect(r.cachedAfterUrl).toEqual([NAME]);
    expect(r.fromCache).toEqual(loaded);
    expect(hits.get(`/files/${NAME}`)).toBe(2); // the first learner, and the page's own fetch for the hand-filled cache
    expect(r.wrongHash!.error).toMatch(/SHA-256 [0-9a-f]{16}… does not start with f37072fd/);
    expect(r.cachedAfterWrongHash).toEqual([NAME]); // the wrong file was not kept
    expect(r.defaultUnavailable!.conv1.length).toBe(3); // random
    expect(r.defaultUnavailable).toMatchObject({ frozen: false, normalized: false, error: '' });
    expect(r.defaultLines).toHaveLength(1);
    expect(r.defaultLines[0]).toMatch(new RegExp(`^visionLearner: ${TV.replace('.', '\\.')} \\(torchvision's ResNet18_Weights\\.IMAGENET1K_V1\\) is not in the browser's Cache Storage \\('wgslnet-weights'\\) and cannot be downloaded from ${page.url}missing/${TV.replace('.', '\\.')} \\(HTTP 404 Not Found\\); resnet18 starts from random weights\\. To use it offline, let the user pick`));
    expect(r.defaultFromCache).toEqual(loaded);
    expect(r.picked).toEqual(loaded);
    expect(r.tinyKeys).toBe(9);
    expect(r.tinySaid).toEqual(["pth bytes: using the state dict under 'state_dict'"]);
    const want = (JSON.parse(readFileSync(join(FIX, 'expected.json'), 'utf8')) as { good: Record<string, { tensors: Record<string, { values: number[] }> }> }).good['nested_state_dict.pth']!.tensors['5.bias']!.values;
    expect(r.tinyLinear).toEqual(want.map((v) => Math.fround(v)));
  }, 240_000);
});
