// The studio (studio/) as a user meets it: the BUILT static site, served by a plain static file
// server on 127.0.0.1, in Debian's Chromium with WebGPU on SwiftShader, driven by playwright-core.
// Each test saves a screenshot of its tab (to .cache/studio/, or to $STUDIO_SCREENSHOTS, e.g.
// docs/studio, which the README shows). Smoke runs only: a few training steps at 32 px.

import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, launchChromium } from '../scripts/chromium.mjs';
import { build } from 'vite';
import { init, loadLearner, zeros } from '../src/node/index.js';
import { classify, oomAdvice } from '../studio/src/faults.js';
import { GpuError } from '../src/gpu/errors.js';
import { runtime } from '../src/gpu/runtime.js';
import { SAMPLE } from './helpers/fashion.js';
import { serveStatic } from './helpers/staticServer.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const shots = process.env.STUDIO_SCREENSHOTS ? join(root, process.env.STUDIO_SCREENSHOTS) : join(root, '.cache/studio');
/** The harness's flags without the three that turn on WebGPU (Chromium on Linux has none without them). */
const NO_WEBGPU_ARGS = CHROMIUM_ARGS.filter((a) => !/webgpu|swiftshader/.test(a));

let site: { url: string; close: () => Promise<void> };
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

/** The whole page, or down to the bottom of `until`. */
async function shot(p: Page, name: string, until?: string): Promise<void> {
  mkdirSync(shots, { recursive: true });
  await p.evaluate(() => window.scrollTo(0, 0));
  const box = until ? await p.locator(until).boundingBox() : null;
  await p.screenshot({ path: join(shots, `${name}.png`), fullPage: true, clip: box ? { x: 0, y: 0, width: 1280, height: Math.ceil(box.y + box.height + 16) } : undefined });
}

beforeAll(async () => {
  const outDir = mkdtempSync(join(tmpdir(), 'wgslnet-studio-'));
  await build({ configFile: join(root, 'studio/vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  site = await serveStatic(outDir);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  await page.goto(site.url);
  await page.waitForSelector('body[data-ready]', { timeout: 120_000 });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

describe('studio: faults in words', () => {
  it('out of memory suggests smaller settings; device loss and input errors are told apart', () => {
    expect(classify(new GpuError('WebGPU out-of-memory error in conv2d', 'out-of-memory')).kind).toBe('oom');
    expect(classify(new GpuError('Buffer size (9000000000) exceeds the max buffer size limit (4294967296).', 'validation')).kind).toBe('oom');
    expect(classify(new GpuError('GPU device lost (unknown): gone', 'device-lost')).kind).toBe('device-lost');
    expect(classify(new RangeError('Array buffer allocation failed')).kind).toBe('oom');
    expect(oomAdvice({ arch: 'resnet152', size: 224, bs: 64 })).toMatch(/batch size 32 \(now 64\), or image size 168 \(now 224\), or resnet101 instead of resnet152/);
    expect(oomAdvice({ arch: 'resnet18', size: 32, bs: 1 })).toMatch(/already the smallest setting/);
  });
});

describe('studio: a batch too big for the device, as the engine reports it', () => {
  it("the engine's refusal of a tensor past the binding limit reads as out of memory, with advice", async () => {
    await init();
    const limit = runtime().device.limits.maxStorageBufferBindingSize;
    // ResNet-152's stem output at 224 px is [bs, 64, 112, 112]: past the limit at this batch size.
    const bs = Math.ceil(limit / (64 * 112 * 112 * 4)) + 1;
    let caught: unknown = null;
    try {
      zeros([bs, 64, 112, 112]).dispose();
    } catch (e) {
      caught = e;
    }
    expect(String((caught as Error | null)?.message), 'the engine refuses the tensor').toMatch(/binds at most/);
    expect(classify(caught).kind).toBe('oom');
  });
});

describe('npm run studio', () => {
  it('builds if needed, serves the site on 127.0.0.1 and prints the address', async () => {
    const child = spawn(process.execPath, [join(root, 'studio/scripts/studio.mjs'), '--port', '0'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout!.on('data', (d: Buffer) => {
          out += d;
          const m = /^wgslnet studio: (http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(out);
          if (m) resolve(m[1]!);
        });
        child.on('exit', (code) => reject(new Error(`studio.mjs exited (${code}) before printing its address:\n${out}`)));
      });
      const html = await (await fetch(url)).text();
      expect(html).toMatch(/<title>wgslnet studio<\/title>/);
      const sample = (await (await fetch(`${url}sample/fashion/index.json`)).json()) as string[];
      expect(sample).toHaveLength(2500);
      expect((await fetch(`${url}docs/convolution.html`)).status).toBe(200);
    } finally {
      child.kill();
    }
  }, 120_000);
});

describe('studio (built site, Chromium on SwiftShader)', () => {
  it('trains on the sample in a worker: a table row and loss points appear while the page answers clicks; Stop keeps the weights; predict by drop', async () => {
    await page.selectOption('#sample-size', '20x3');
    await page.click('#use-sample');
    await page.waitForSelector('#classes .chip');
    expect(await page.locator('#classes .chip').allTextContents()).toEqual(['ankle_boot 20', 'bag 20', 'coat 20']);
    await page.fill('#size', '32');
    await page.fill('#bs', '8');
    await page.fill('#epochs', '2');
    // Diagnostics for the log: the longest wait between animation frames and between 100 ms timer
    // ticks on the page's main thread while the worker trains.
    await page.evaluate(() => {
      const w = window as unknown as { gaps: { frame: number; timer: number } };
      w.gaps = { frame: 0, timer: 0 };
      let [lf, lt] = [performance.now(), performance.now()];
      const frame = () => ((w.gaps.frame = Math.max(w.gaps.frame, performance.now() - lf)), (lf = performance.now()), requestAnimationFrame(frame));
      requestAnimationFrame(frame);
      setInterval(() => ((w.gaps.timer = Math.max(w.gaps.timer, performance.now() - lt - 100)), (lt = performance.now())), 100);
    });
    await page.click('#train');
    // The first epoch (6 steps) ends with a table row; the chart has a point per step so far.
    await page.waitForSelector('#fit-tables tbody tr', { timeout: 240_000 });
    const cells = await page.locator('#fit-tables tbody tr').first().locator('td').allTextContents();
    expect(cells[0]).toBe('0');
    expect(Number(cells[1])).toBeGreaterThan(0); // train_loss
    expect(Number(cells[3])).toBeGreaterThanOrEqual(0); // error_rate
    expect(cells[4]).toMatch(/^\d\d:\d\d$/);
    expect(Number(await page.getAttribute('#loss-chart', 'data-train-points'))).toBeGreaterThanOrEqual(6);
    expect(Number(await page.getAttribute('#loss-chart', 'data-valid-points'))).toBe(1);
    // The page answers while the worker trains: a tab switch takes effect, both ways, and each
    // click's handler runs soon after the click arrived (from the event's creation to its
    // handler). The clicks are forced and the checks poll on a timer rather than on animation
    // frames: on this shared 2-core machine Chromium's GPU process, which also paints the page,
    // runs SwiftShader's kernels, so frames can lag while the script stays responsive.
    await page.evaluate(() => {
      (window as unknown as { clickDelays: number[] }).clickDelays = [];
      document.querySelector('#tabs')!.addEventListener('click', (e) => (window as unknown as { clickDelays: number[] }).clickDelays.push(performance.now() - e.timeStamp));
    });
    const panelShown = (id: string) => page.waitForFunction((i) => !document.getElementById(i)!.hidden, id, { polling: 50, timeout: 10_000 });
    await page.click('#tab-lab', { force: true });
    await panelShown('panel-lab');
    await page.click('#tab-train', { force: true });
    await panelShown('panel-train');
    const delays = await page.evaluate(() => (window as unknown as { clickDelays: number[] }).clickDelays);
    console.log(`studio: click-to-handler delays while training: ${delays.map((d) => d.toFixed(0)).join(', ')} ms`);
    expect(delays).toHaveLength(2);
    for (const d of delays) expect(d).toBeLessThan(1000);
    expect(await page.isEnabled('#stop')).toBe(true);
    // Stop: the fit ends at the end of the current step, long before its 18 steps.
    await page.click('#stop', { force: true });
    await page.waitForSelector('#train-message.info', { timeout: 120_000 });
    const stoppedAt = Number(/step (\d+)/.exec((await page.textContent('#train-message'))!)![1]);
    expect(stoppedAt).toBeGreaterThanOrEqual(6);
    expect(stoppedAt).toBeLessThan(18);
    expect(await page.textContent('#progress-text')).toMatch(/^Stopped after step \d+; the weights are kept/);
    const gaps = await page.evaluate(() => (window as unknown as { gaps: { frame: number; timer: number } }).gaps);
    console.log(`studio: while training, the longest gap between frames was ${gaps.frame.toFixed(0)} ms, the longest timer delay ${gaps.timer.toFixed(0)} ms`);
    await page.waitForSelector('#confusion', { timeout: 120_000 });
    const confusion = (await page.locator('#confusion tbody td').allTextContents()).map(Number);
    expect(confusion.reduce((a, b) => a + b, 0)).toBe(12); // 20 % of 60 images
    expect(await page.locator('#top-losses figure').count()).toBe(9);
    expect(await page.getAttribute('#show-batch', 'src')).toMatch(/^blob:/);
    // Predict: drop a PNG on the drop zone.
    const bytes = [...readFileSync(join(SAMPLE, 'bag_00023.png'))];
    const dt = await page.evaluateHandle((b) => {
      const d = new DataTransfer();
      d.items.add(new File([new Uint8Array(b)], 'bag_00023.png', { type: 'image/png' }));
      return d;
    }, bytes);
    await page.dispatchEvent('#predict-drop', 'drop', { dataTransfer: dt });
    await page.waitForSelector('#predicted-label b');
    expect(['ankle_boot', 'bag', 'coat']).toContain(await page.textContent('#predicted-label b'));
    expect(await page.locator('.bar-row').count()).toBe(3);
    await shot(page, 'train');
  }, 420_000);

  it('the downloaded exported learner loads in Node and gives the same prediction', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#dl-learner')]);
    const file = join(mkdtempSync(join(tmpdir(), 'wgslnet-studio-dl-')), download.suggestedFilename());
    await download.saveAs(file);
    expect(download.suggestedFilename()).toBe('resnet18-learner.safetensors');
    const inBrowser = (await page.locator('.bar-row .bar-value').allTextContents()).map(Number);
    await init();
    const learner = await loadLearner(file);
    const p = await learner.predict(join(SAMPLE, 'bag_00023.png'));
    expect(p.label).toBe(await page.textContent('#predicted-label b'));
    expect(learner.vocab).toEqual(['ankle_boot', 'bag', 'coat']);
    Array.from(p.probs).forEach((q, i) => expect(q).toBeCloseTo(inBrowser[i]!, 2));
    learner.dispose();
  }, 120_000);

  it('a downloaded checkpoint loads back to continue, at a larger size (progressive resizing)', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#dl-checkpoint')]);
    const file = join(mkdtempSync(join(tmpdir(), 'wgslnet-studio-ckpt-')), download.suggestedFilename());
    await download.saveAs(file);
    await page.setInputFiles('#load-file', file);
    await page.waitForFunction(() => /^Loaded /.test(document.getElementById('loaded')!.textContent ?? ''), null, { polling: 100, timeout: 60_000 });
    expect(await page.textContent('#loaded')).toBe(`Loaded ${download.suggestedFilename()}: a checkpoint of resnet18 with classes ankle_boot, bag, coat. Continue training below, or predict.`);
    const pointsBefore = Number(await page.getAttribute('#loss-chart', 'data-train-points'));
    await page.selectOption('#method', 'fitOneCycle');
    await page.fill('#continue-epochs', '1');
    await page.fill('#continue-size', '40');
    await page.click('#continue');
    await page.waitForFunction(() => /^Done: 6 steps/.test(document.getElementById('progress-text')!.textContent ?? ''), null, { polling: 200, timeout: 240_000 });
    // A new table with one epoch, the chart carrying on from the earlier points.
    const tables = page.locator('#fit-tables table');
    expect(await tables.last().locator('tbody tr').count()).toBe(1);
    expect(Number(await page.getAttribute('#loss-chart', 'data-train-points'))).toBe(pointsBefore + 6);
    await page.waitForSelector('#confusion');
    await page.selectOption('#method', 'fineTune');
  }, 300_000);

  it('a picked folder: a corrupt file and a non-image are named, counted and skipped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wgslnet-studio-folder-'));
    const pets = join(dir, 'pets');
    for (const [cls, files] of [['bag', ['bag_00023.png', 'bag_00035.png']], ['trouser', ['trouser_00016.png', 'trouser_00021.png']]] as const) {
      mkdirSync(join(pets, cls), { recursive: true });
      for (const f of files) copyFileSync(join(SAMPLE, f), join(pets, cls, f));
    }
    writeFileSync(join(pets, 'trouser', 'broken.png'), readFileSync(join(root, 'test/fixtures/images/truncated.png')));
    writeFileSync(join(pets, 'notes.txt'), 'not an image');
    await page.click('#rule-folder');
    await page.setInputFiles('#folder-input', pets);
    await page.waitForSelector('#skipped-count', { timeout: 60_000 });
    expect(await page.textContent('#data-status')).toMatch(/^4 images from pets \(picked\)\. Skipped 2 files: 1 corrupt, 1 not an image\./);
    const skipped = await page.locator('#skipped li').allTextContents();
    expect(skipped).toHaveLength(2);
    expect(skipped[0]).toMatch(/^pets\/trouser\/broken\.png — corrupt or unreadable: pets\/trouser\/broken\.png: cannot decode image/);
    expect(skipped[1]).toBe('pets/notes.txt — not an image');
    expect(await page.locator('#classes .chip').allTextContents()).toEqual(['bag 2', 'trouser 2']);
    // The Pets rule on these lower-case names gives one class: a clear error, not a crash.
    await page.click('#rule-pets');
    await page.waitForSelector('#label-error');
    expect(await page.textContent('#label-error')).toMatch(/All 4 images have the label 'dog'; classification needs at least 2 classes/);
    await page.click('#rule-folder');
    await page.waitForSelector('#classes .chip');
    expect(await page.textContent('#results-note')).toMatch(/from the model trained on the Fashion-MNIST sample; train again/);
    await shot(page, 'data', '#data');
  }, 120_000);

  it('the profile tab lists every kernel of a training step with non-zero GPU times; a row opens its WGSL source', async () => {
    await page.click('#tab-profile');
    await page.fill('#p-size', '32');
    await page.fill('#p-bs', '2');
    await page.click('#run-profile');
    await page.waitForSelector('#kernel-table tbody tr', { timeout: 180_000 });
    expect(await page.textContent('#timing-note')).toMatch(/GPU’s own timestamps/);
    const rows = await page.locator('#kernel-table tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent!)));
    expect(rows.length).toBeGreaterThan(10);
    const kernels = rows.map((r) => r[1]);
    expect(kernels).toContain('optim/adam.wgsl');
    expect(kernels.some((k) => k!.startsWith('conv/'))).toBe(true);
    const ms = rows.map((r) => Number(r[3]));
    // Bytes moved are known for every kernel here, so GB/s and the fraction of the peak are too.
    expect(rows.filter((r) => Number(r[6]) > 0).length).toBeGreaterThan(rows.length / 2);
    expect(rows.some((r) => Number(r[5]) > 0)).toBe(true); // GFLOP/s of the convolutions and matmuls
    expect(await page.textContent('#peak-line')).toMatch(/measured peak: [\d.]+ GFLOP\/s \(vec4 FMA probe\), [\d.]+ GFLOP\/s \(spill-free FMA probe\), [\d.]+ GB\/s/);
    expect(ms.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(ms.filter((v) => v > 0).length).toBeGreaterThan(rows.length / 2);
    for (let i = 1; i < ms.length; i++) expect(ms[i - 1]!).toBeGreaterThanOrEqual(ms[i]!); // slowest first
    // Sorting by calls, then opening a kernel's source: the header comes first.
    await page.click('#kernel-table th[data-key="calls"]');
    const calls = (await page.locator('#kernel-table tbody tr td:nth-child(3)').allTextContents()).map(Number);
    for (let i = 1; i < calls.length; i++) expect(calls[i - 1]!).toBeGreaterThanOrEqual(calls[i]!);
    await page.click('#kernel-table tbody tr[data-kernel="optim/adam.wgsl"]');
    await page.waitForSelector('#source-view[open] pre.wgsl-header');
    expect(await page.textContent('#source-view h2')).toBe('shaders/optim/adam.wgsl');
    expect(await page.textContent('#source-view pre.wgsl-code')).toMatch(/@compute/);
    await page.click('#close-source');
    await page.click('#kernel-table th[data-key="ms"]');
    await shot(page, 'profile');
  }, 240_000);

  it('the conv lab runs every rung, forward and both gradients, within 1e-4 of the f64 reference', async () => {
    await page.click('#tab-lab');
    await page.click('#run-lab');
    await page.waitForSelector('#lab-table', { timeout: 180_000 });
    const rows = await page.locator('#lab-table tbody tr').evaluateAll((trs) => trs.map((tr) => ({ rung: tr.getAttribute('data-rung'), direction: tr.getAttribute('data-direction'), rel: tr.getAttribute('data-rel') })));
    // Every rung of the package's ladder (the panel rung runs at SwiftShader's 4-lane subgroups).
    const rungs = [...new Set(rows.map((r) => r.rung))];
    expect(rungs).toEqual(['naive', 'im2col', 'implicit', 'panel']);
    expect(rows).toHaveLength(12);
    for (const r of rows) expect(Number(r.rel), `${r.rung} ${r.direction}`).toBeLessThanOrEqual(1e-4);
    expect(await page.locator('#lab-table .ok').count()).toBe(12);
    // The drawing: hovering an output pixel lights its 3×3 window and its im2col row.
    await page.hover('#lab-picture .cell.out[data-oh="1"][data-ow="1"]');
    expect(await page.locator('#lab-picture .grid:not(.im2col) .cell.lit').count()).toBe(9 + 9); // 9 inputs + 9 weights
    expect(await page.locator('#lab-picture .cell.lit-row').count()).toBe(9);
    expect(await page.textContent('#picture-explain')).toMatch(/^y\[1,1\] = /);
    // For the screenshot, the same highlight with the mouse parked on the header (a scroll would
    // otherwise move the cursor onto another cell).
    await page.mouse.move(5, 5);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.locator('#lab-picture .cell.out[data-oh="1"][data-ow="1"]').dispatchEvent('mouseenter');
    await shot(page, 'lab');
    // A grouped convolution (small, to be quick): im2col says why it does not apply; naive checks.
    await page.fill('#lab-n', '1');
    await page.fill('#lab-h', '8');
    await page.fill('#lab-w', '8');
    await page.fill('#lab-groups', '2');
    await page.click('#run-lab');
    await page.waitForFunction(() => document.querySelector('#lab-summary')?.textContent?.startsWith('x 1×16×8×8, w 32×8×3×3'), null, { polling: 200, timeout: 180_000 });
    const grouped = await page.locator('#lab-table tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-rung'), tr.getAttribute('data-rel'), tr.textContent]));
    expect(grouped.filter(([r]) => r === 'naive').every(([, rel]) => Number(rel) <= 1e-4)).toBe(true);
    expect(grouped.filter(([r]) => r === 'im2col').every(([, , text]) => /not eligible: .*group/i.test(text!))).toBe(true);
    await page.fill('#lab-groups', '1');
  }, 240_000);

  it('without timestamp-query the profile tab says so and shows wall-clock times', async () => {
    const p = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await p.goto(`${site.url}?timestamps=off#profile`);
    await p.waitForSelector('body[data-ready]', { timeout: 120_000 });
    await p.fill('#p-size', '32');
    await p.fill('#p-bs', '2');
    await p.selectOption('#p-mode', 'forward');
    await p.click('#run-profile');
    await p.waitForSelector('#kernel-table tbody tr', { timeout: 180_000 });
    expect(await p.textContent('#no-timestamps')).toMatch(/no timestamp-query/);
    expect(await p.textContent('#profile-line')).toMatch(/wall-clock replay/);
    const ms = (await p.locator('#kernel-table tbody tr td:nth-child(4)').allTextContents()).map(Number);
    expect(ms.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    await p.close();
  }, 240_000);

  it('a browser without WebGPU gets one paragraph saying why and what to do', async () => {
    expect(NO_WEBGPU_ARGS).toHaveLength(CHROMIUM_ARGS.length - 3);
    const plain = await chromium.launch({ executablePath: CHROMIUM, args: NO_WEBGPU_ARGS });
    try {
      const p = await plain.newPage({ viewport: { width: 1280, height: 600 } });
      await p.goto(site.url);
      await p.waitForSelector('#no-webgpu:not([hidden])', { timeout: 30_000 });
      expect(await p.textContent('#no-webgpu-reason')).toMatch(/no GPU adapter|no WebGPU/);
      expect(await p.textContent('#no-webgpu-reason')).toMatch(/chrome:\/\/flags/);
      expect(await p.isHidden('#tabs')).toBe(true);
      await shot(p, 'no-webgpu');
    } finally {
      await plain.close();
    }
  }, 60_000);

  it('no page errors on the way', () => {
    expect(pageErrors).toEqual([]);
  });
});
