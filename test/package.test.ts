// The package as a user gets it: `npm pack` (which builds dist/), the tarball installed into a
// fresh project, then plain Node (no TypeScript loader anywhere) trains a small net and runs the
// wgslnet command (train on real images through the compiled decode workers, then predict); Vite bundles a page that imports wgslnet (no plugin) and Chromium runs it on
// navigator.gpu; and the README's TypeScript snippets type-check against the installed dist/.
// npm installs the dependencies from its cache (filled by `npm ci`), so no network is needed.

import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../scripts/chromium.mjs';
import { serveStatic } from './helpers/staticServer.js';
import { labelOf, sampleFiles } from './helpers/fashion.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'wgslnet-package-'));
const project = join(work, 'project');
let tarball = '';
let browser: Browser | null = null;
let closeServer: (() => Promise<void>) | null = null;

function run(cmd: string, args: string[], opts: SpawnSyncOptions = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 300_000, ...opts });
  const out = { status: r.status, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '').split('\n').filter((l) => !l.startsWith('Warning: maxDynamic')).join('\n') };
  if (r.error) throw r.error;
  return out;
}

function mustRun(cmd: string, args: string[], opts: SpawnSyncOptions = {}) {
  const r = run(cmd, args, opts);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r;
}

beforeAll(() => {
  const packed = mustRun('npm', ['pack', '--pack-destination', work, '--json'], { cwd: root });
  // The build prints a line before npm's JSON.
  tarball = join(work, (JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as { filename: string }[])[0]!.filename);
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'uses-wgslnet', private: true, type: 'module' }));
  mustRun('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], { cwd: project });
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await closeServer?.();
});

describe('the npm package', () => {
  it('holds the compiled code, its types and the shaders, and nothing else', () => {
    const files = mustRun('tar', ['-tzf', tarball]).stdout.trim().split('\n').map((f) => f.replace(/^package\//, ''));
    for (const f of ['package.json', 'README.md', 'bin/wgslnet.mjs', 'dist/node/index.js', 'dist/node/index.d.ts', 'dist/browser/index.js', 'dist/browser/shaderTexts.js', 'dist/node/decodeWorker.js', 'dist/cli/run.js', 'shaders/conv/conv2d_naive.wgsl']) {
      expect(files).toContain(f);
    }
    expect(files.filter((f) => !/^(dist\/.+\.(js|d\.ts)|shaders\/.+\.wgsl|bin\/wgslnet\.mjs|package\.json|README\.md)$/.test(f))).toEqual([]);
    expect(files.filter((f) => /^(src|test|data|bench|scripts)\//.test(f) || (f.endsWith('.ts') && !f.endsWith('.d.ts')))).toEqual([]);
    const pkg = JSON.parse(readFileSync(join(project, 'node_modules/wgslnet/package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(pkg.dependencies)).not.toContain('tsx');
    expect(existsSync(join(project, 'node_modules/tsx'))).toBe(false);
    // Every shader the library declares is in the bundlers' module.
    const inlined = readFileSync(join(project, 'node_modules/wgslnet/dist/browser/shaderTexts.js'), 'utf8');
    for (const f of files.filter((x) => x.startsWith('shaders/'))) expect(inlined).toContain(JSON.stringify(f.slice('shaders/'.length)));
  });

  it('plain node trains a small net with autograd, and the wgslnet command runs', () => {
    writeFileSync(
      join(project, 'train.mjs'),
      `import { init, manualSeed, nn, optim, tensor, tidy, F } from 'wgslnet';
       const engine = await init();
       manualSeed(3);
       // Two classes: points inside or outside the unit circle.
       const xs = [], ys = [];
       for (let i = 0; i < 64; i++) { const a = i * 2.399, r = (i % 2 ? 1.5 : 0.5) + 0.2 * Math.sin(i); xs.push(r * Math.cos(a), r * Math.sin(a)); ys.push(i % 2); }
       const x = tensor(xs, [64, 2]);
       const model = new nn.Sequential(new nn.Linear(2, 32), new nn.ReLU(), new nn.Linear(32, 2));
       const opt = new optim.Adam(model.parameters(), { lr: 0.05 });
       const losses = [];
       for (let step = 0; step < 60; step++) {
         const loss = tidy(() => { const l = F.crossEntropy(model.forward(x), ys); l.backward(); return l; });
         opt.step(); opt.zeroGrad();
         losses.push(await loss.item()); loss.dispose();
       }
       console.log(JSON.stringify({ adapter: engine.description, first: losses[0], last: losses.at(-1) }));`,
    );
    const env = { ...process.env, NODE_OPTIONS: '' };
    const r = mustRun(process.execPath, ['train.mjs'], { cwd: project, env });
    const { first, last } = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { first: number; last: number };
    expect(first).toBeGreaterThan(0.5);
    expect(last).toBeLessThan(first / 3);
    const bin = join(project, 'node_modules/.bin/wgslnet');
    const help = mustRun(bin, ['--help'], { cwd: project, env });
    expect(help.stdout).toMatch(/^usage: wgslnet <command>/);
    expect(mustRun(bin, ['train', '--help'], { cwd: project, env }).stdout).toMatch(/^usage: wgslnet train <folder>/);
    const missing = run(bin, ['train', join(project, 'no-such-folder')], { cwd: project, env });
    expect(missing.status).toBe(1);
    expect(missing.stderr.trim()).toMatch(/^wgslnet train: .*no-such-folder: no such folder$/);
    // Real images through the compiled decode workers, fineTune, export, predict.
    const images = join(project, 'images');
    for (const f of sampleFiles(['bag', 'trouser'], 10)) {
      const name = f.split('/').at(-1)!;
      mkdirSync(join(images, labelOf(name)), { recursive: true });
      copyFileSync(f, join(images, labelOf(name), name));
    }
    const trained = mustRun(bin, ['train', images, '--size', '16', '--bs', '4', '--out', 'm.safetensors'], { cwd: project, env });
    expect(trained.stdout).toMatch(/16 training and 4 validation images, 2 classes/);
    expect(trained.stdout).toContain('exported to m.safetensors');
    const one = join(images, 'bag', readdirSync(join(images, 'bag'))[0]!);
    expect(mustRun(bin, ['predict', 'm.safetensors', one], { cwd: project, env }).stdout).toMatch(/\t(bag|trouser)\t[01]\.\d{4}\n$/);
  }, 300_000);

  it('Vite bundles a page that imports wgslnet (no plugin), and it computes on navigator.gpu in Chromium', async () => {
    const site = join(project, 'site');
    mkdirSync(site);
    writeFileSync(join(site, 'index.html'), '<!doctype html><meta charset="utf-8"><title>wgslnet from npm</title><script type="module" src="./main.js"></script>');
    writeFileSync(
      join(site, 'main.js'),
      `import { init, tensor, tidy, F } from 'wgslnet';
       globalThis.run = async () => {
         const engine = await init();
         const a = tensor([1, 2, 3, 4, 5, 6], [2, 3], { requiresGrad: true });
         const b = tensor([1, 0, 0, 1, 1, 1], [3, 2]);
         const c = tidy(() => { const c = F.matmul(a, b); c.sum().backward(); return c; });
         return { software: engine.adapter.software, usedNavigatorGpu: !!navigator.gpu, c: Array.from(await c.toArray()), grad: Array.from(await a.grad.toArray()) };
       };`,
    );
    mustRun(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: site });
    const out = join(site, 'dist');
    const served = await serveStatic(out); // on 127.0.0.1: WebGPU needs a secure context
    closeServer = served.close;
    const url = served.url;
    const bundled = readdirSync(join(out, 'assets')).map((f) => readFileSync(join(out, 'assets', f), 'utf8')).join('');
    expect(bundled).not.toMatch(/from\s*["']node:/); // the browser entry pulled in no Node module
    browser = await launchChromium();
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(url);
    await page.waitForFunction(() => typeof (globalThis as { run?: unknown }).run === 'function', null, { timeout: 60_000 });
    const r = await page.evaluate(() => (globalThis as unknown as { run: () => Promise<{ software: boolean; usedNavigatorGpu: boolean; c: number[]; grad: number[] }> }).run());
    expect(errors).toEqual([]);
    expect(r.usedNavigatorGpu).toBe(true);
    expect(r.c).toEqual([4, 5, 10, 11]); // [[1,2,3],[4,5,6]] · [[1,0],[0,1],[1,1]]
    expect(r.grad).toEqual([1, 1, 2, 1, 1, 2]); // d Σc / da = 1 · bᵀ
  }, 300_000);

  it("the README's TypeScript snippets type-check against the installed package", () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const snippets = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(snippets.length).toBeGreaterThanOrEqual(4);
    const dir = join(project, 'snippets');
    mkdirSync(dir);
    snippets.forEach((code, i) => writeFileSync(join(dir, `snippet${i + 1}.ts`), code));
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, types: ['node'], typeRoots: [join(root, 'node_modules/@types')] },
        include: ['snippets'],
      }),
    );
    const r = run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', project], { cwd: project });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
    // The check bites: a snippet calling a function the package does not export fails.
    writeFileSync(join(dir, 'broken.ts'), "import { noSuchThing } from 'wgslnet';\nnoSuchThing();\n");
    const bad = run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', project], { cwd: project });
    expect(bad.stdout).toMatch(/broken\.ts.*has no exported member 'noSuchThing'/);
  }, 300_000);
});
