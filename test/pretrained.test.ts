// torchvision's weights by default, against a local HTTP server on 127.0.0.1 (never the internet):
// the cache lookup order (wgslnet's, then PyTorch's hub cache), downloads checked against the
// SHA-256 prefix in the file name, failures that keep nothing, concurrent downloads in separate
// processes, and what visionLearner and the CLI do with each `pretrained` choice.
// The weights are torchvision's ResNet-18 layout with one constant per tensor, saved by PyTorch
// and deflated (test/fixtures/pth/resnet18_constant_deflated.pth, 65 KB for 45 MB of weights).

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { takePretrainedArg } from '../src/cli/pretrainedArg.js';
import { openDownload } from '../src/io/download.js';
import { fetchPretrained, WeightsUnavailableError } from '../src/learner/pretrained.js';
import { nodeWeightStore, torchHubCacheDir, wgslnetCacheDir } from '../src/node/weightStore.js';
import { ImageDataLoaders, resnet18, Resize, visionLearner } from '../src/node/index.js';
import { labelOf, sampleFiles } from './helpers/fashion.js';
import { setupGpu } from './helpers/gpu.js';
import { WGSLNET } from './helpers/cli.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const FIXTURE = join(root, 'test/fixtures/pth/resnet18_constant_deflated.pth');
const WEIGHTS = readFileSync(FIXTURE);
const SHA = createHash('sha256').update(WEIGHTS).digest('hex');
const NAME = `resnet18-${SHA.slice(0, 8)}.pth`; // a name whose hash prefix this file has
const TV = 'resnet18-f37072fd.pth'; // torchvision's name, whose prefix this file has not
const constants = (JSON.parse(readFileSync(join(root, 'test/fixtures/pth/expected.json'), 'utf8')) as { resnet18Constant: Record<string, number> }).resnet18Constant;

const hits = new Map<string, number>();
let active = 0;
let maxActive = 0;
let server: Server;
let base: string;
const hangs: ServerResponse[] = [];

/** /files/x: the file; /slow/x: in 20 chunks 40 ms apart, once two are waiting; /truncated/x: half, then the socket closes;
 *  /stall/x: headers and a first chunk, then nothing; /hang/x: never answers; anything else: 404. */
function route(path: string, res: ServerResponse) {
  const [, kind, name] = path.split('/');
  hits.set(path, (hits.get(path) ?? 0) + 1);
  if (kind === 'hang') return void hangs.push(res);
  if (!name || (name !== NAME && name !== TV)) return void res.writeHead(404).end('not found');
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(WEIGHTS.length) });
  if (kind === 'files') return void res.end(WEIGHTS);
  if (kind === 'truncated') return void res.write(WEIGHTS.subarray(0, WEIGHTS.length >> 1), () => res.destroy());
  if (kind === 'stall') return void (res.write(WEIGHTS.subarray(0, 100)), hangs.push(res));
  // /slow: the body starts once two slow downloads are waiting (or after 20 s), so they overlap.
  active++;
  maxActive = Math.max(maxActive, active);
  const step = Math.ceil(WEIGHTS.length / 20);
  let at = 0;
  const tick = () => {
    if (at >= WEIGHTS.length) return void (active--, res.end());
    res.write(WEIGHTS.subarray(at, (at += step)));
    setTimeout(tick, 40);
  };
  waiting.push(tick);
  if (waiting.length === 2) waiting.splice(0).forEach((t) => t());
  else setTimeout(() => waiting.splice(0).forEach((t) => t()), 20_000).unref();
}
const waiting: (() => void)[] = [];

beforeAll(async () => {
  server = createServer((req, res) => route(req.url ?? '/', res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await setupGpu();
});
afterAll(async () => {
  for (const r of hangs) r.destroy();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

let caches: { wgslnet: string; torch: string };
beforeEach(() => {
  const dir = mkdtempSync(join(tmpdir(), 'wgslnet-pretrained-'));
  caches = { wgslnet: join(dir, 'wgslnet'), torch: join(dir, 'torch') };
  process.env.WGSLNET_CACHE_DIR = caches.wgslnet;
  process.env.TORCH_HOME = caches.torch;
  delete process.env.WGSLNET_OFFLINE;
  delete process.env.WGSLNET_WEIGHTS_URL;
  hits.clear();
});
const hubDir = () => join(caches.torch, 'hub', 'checkpoints');
const cached = () => (existsSync(caches.wgslnet) ? readdirSync(caches.wgslnet) : []);
const quiet = () => {
  const lines: string[] = [];
  return { lines, output: { line: (s: string) => lines.push(s), status: () => {} } };
};
const networkHits = () => [...hits.values()].reduce((a, b) => a + b, 0);
const put = (dir: string, name: string, bytes: Uint8Array = WEIGHTS) => {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), bytes);
};

describe('where the weights are found', () => {
  it('the cache folders follow wgslnet’s and torch.hub’s rules', () => {
    expect(wgslnetCacheDir()).toBe(caches.wgslnet);
    expect(torchHubCacheDir()).toBe(join(caches.torch, 'hub', 'checkpoints'));
    delete process.env.WGSLNET_CACHE_DIR;
    delete process.env.TORCH_HOME;
    process.env.XDG_CACHE_HOME = '/xdg';
    expect([wgslnetCacheDir(), torchHubCacheDir()]).toEqual(['/xdg/wgslnet', '/xdg/torch/hub/checkpoints']);
    delete process.env.XDG_CACHE_HOME;
    const home = process.env.HOME;
    process.env.HOME = '/home/someone';
    expect([wgslnetCacheDir(), torchHubCacheDir()]).toEqual(['/home/someone/.cache/wgslnet', '/home/someone/.cache/torch/hub/checkpoints']);
    process.env.HOME = home;
  });

  it('PyTorch’s hub cache is found, wgslnet’s wins over it, and a hit needs no network', async () => {
    put(hubDir(), TV);
    const q = quiet();
    const fromHub = await fetchPretrained(true, 'resnet18', { output: q.output, baseUrl: `${base}/files` });
    expect(fromHub.name).toBe(join(hubDir(), TV));
    expect(fromHub.tensors.get('conv1.weight')!.shape).toEqual([64, 3, 7, 7]);
    put(caches.wgslnet, TV, readFileSync(join(root, 'test/fixtures/pth/nested_state_dict.pth')));
    const fromOurs = await fetchPretrained(true, 'resnet18', { output: q.output, baseUrl: `${base}/files` });
    expect(fromOurs.name).toBe(join(caches.wgslnet, TV));
    expect(networkHits()).toBe(0);
    expect(q.lines).toEqual([`${join(caches.wgslnet, TV)}: using the state dict under 'state_dict'`]);
  });
});

describe('downloads', () => {
  it('streams to a temporary file, checks the SHA-256 prefix, renames into the cache; the next lookup is a hit', async () => {
    const q = quiet();
    const got = await fetchPretrained(`${base}/files/${NAME}`, 'resnet18', { output: q.output });
    expect(got.name).toBe(join(caches.wgslnet, NAME));
    expect(cached()).toEqual([NAME]);
    expect(readFileSync(join(caches.wgslnet, NAME)).equals(WEIGHTS)).toBe(true);
    expect(q.lines[0]).toBe(`downloading ${base}/files/${NAME} (0.1 MB) to ${caches.wgslnet}`);
    expect(q.lines[1]).toMatch(new RegExp(`^downloaded ${NAME} \\(0\\.1 MB\\) in \\d+\\.\\d s$`));
    await fetchPretrained(`${base}/files/${NAME}`, 'resnet18', { output: q.output });
    expect(hits.get(`/files/${NAME}`)).toBe(1);
  });

  const failures: [string, string, string, RegExp][] = [
    ['a 404', `/files/resnet18-0123abcd.pth`, 'resnet18-0123abcd.pth', /HTTP 404/],
    ['a truncated body', `/truncated/${NAME}`, NAME, new RegExp(`the download (broke off|ended) after \\d+ of ${WEIGHTS.length} bytes`)],
    ['a hash mismatch', `/files/${TV}`, TV, /SHA-256 [0-9a-f]{16}… does not start with f37072fd, the prefix its name promises/],
  ];
  it.each(failures)('%s keeps nothing, and says why', async (_, path, name, why) => {
    const err = await fetchPretrained(`${base}${path}`, 'resnet18', { output: quiet().output }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(WeightsUnavailableError);
    expect((err as Error).message).toMatch(new RegExp(`^${name.replace('.', '\\.')} is not in .* and cannot be downloaded from ${base}${path.replace('.', '\\.')}`));
    expect((err as Error).message).toMatch(why);
    expect(cached()).toEqual([]);
  });

  it('a server that never answers, or stalls, fails within its timeout and keeps nothing', async () => {
    const t0 = performance.now();
    await expect(openDownload(`${base}/hang/${NAME}`, { connectTimeoutMs: 300 })).rejects.toThrow(/cannot connect \(no answer within 0\.3 s\)/);
    await expect(nodeWeightStore.download(`${base}/stall/${NAME}`, NAME, { stallTimeoutMs: 300 })).rejects.toThrow(/broke off after 100 of \d+ bytes \(no data for 0\.3 s\)/);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(cached()).toEqual([]);
  });

  it('concurrent downloads in three processes (two whole, one cut off) leave one whole file', async () => {
    const child = (path: string) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const p = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/helpers/downloadChild.ts'), `${base}${path}`, NAME, SHA.slice(0, 8)], { cwd: root, env: process.env });
        let out = '';
        p.stdout.on('data', (d) => (out += d));
        p.stderr.on('data', (d) => (out += d));
        p.on('close', (code) => resolve({ code, out }));
      });
    maxActive = 0;
    const results = await Promise.all([child(`/slow/${NAME}`), child(`/slow/${NAME}`), child(`/truncated/${NAME}`)]);
    expect(results[0]!.out.trim()).toBe(`ok ${SHA}`);
    expect(results[1]!.out.trim()).toBe(`ok ${SHA}`);
    expect(results[2]!.code).toBe(1);
    expect(results[2]!.out).toMatch(/broke off|ended after/);
    expect(maxActive).toBe(2); // the two whole downloads overlapped
    expect(cached()).toEqual([NAME]); // no temporary file left behind
    expect(readFileSync(join(caches.wgslnet, NAME)).equals(WEIGHTS)).toBe(true);
  }, 60_000);
});

describe('visionLearner and the pretrained choice', () => {
  const dls = () => ImageDataLoaders.fromNameFunc('', sampleFiles(['trouser', 'bag'], 4), { validPct: 0.25, seed: 1, labelFunc: labelOf, itemTfms: [Resize(16)], bs: 2 });
  const conv1 = async (learn: { model: { body: { conv1: { weight: { toArray(): Promise<Float32Array> } } } } }) => Array.from(new Set(await learn.model.body.conv1.weight.toArray()));

  it('by default, torchvision’s file from the cache: loaded into the body, frozen, ImageNet-normalised', async () => {
    put(caches.wgslnet, TV);
    const q = quiet();
    const learn = visionLearner(dls(), resnet18, { output: q.output, weightsUrl: `${base}/files` });
    await learn.waitReady();
    expect(await conv1(learn)).toEqual([Math.fround(constants['conv1.weight']!)]);
    const bn = learn.model.body.stateDict().get('layer4.1.bn2.running_var')!;
    expect(Array.from(new Set(await bn.toArray()))).toEqual([Math.fround(constants['layer4.1.bn2.running_var']!)]);
    expect(learn.model.body.conv1.weight.requiresGrad).toBe(false);
    expect(learn.dls.batchTfms.normalize?.mean).toEqual([0.485, 0.456, 0.406]);
    expect(q.lines).toEqual([]);
    expect(networkHits()).toBe(0);
    // A user who unfreezes before the weights arrive keeps that choice.
    const unfrozen = visionLearner(dls(), resnet18, { output: q.output, weightsUrl: `${base}/files` });
    unfrozen.unfreeze();
    await unfrozen.waitReady();
    expect(await conv1(unfrozen)).toEqual([Math.fround(constants['conv1.weight']!)]);
    expect(unfrozen.model.body.conv1.weight.requiresGrad).toBe(true);
    for (const l of [learn, unfrozen]) l.dispose();
  });

  it('by default, offline: one line with the URL and where to put the file, then random weights, quickly', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r)); // nothing listens there now: connection refused
    process.env.WGSLNET_WEIGHTS_URL = `http://127.0.0.1:${port}/models`;
    const q = quiet();
    const t0 = performance.now();
    const learn = visionLearner(dls(), resnet18, { output: q.output });
    await learn.waitReady();
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(q.lines).toHaveLength(1);
    expect(q.lines[0]).toBe(
      `visionLearner: ${TV} (torchvision's ResNet18_Weights.IMAGENET1K_V1) is not in ${caches.wgslnet} or ${hubDir()} and cannot be downloaded from ` +
        `http://127.0.0.1:${port}/models/${TV} (cannot connect (connect ECONNREFUSED 127.0.0.1:${port})); resnet18 starts from random weights. ` +
        `To use it offline, copy ${TV} into ${caches.wgslnet}, or pass { pretrained: false } to skip this lookup.`,
    );
    expect((await conv1(learn)).length).toBeGreaterThan(1000); // kaiming-random, not a constant
    expect(learn.model.body.conv1.weight.requiresGrad).toBe(true);
    expect(learn.dls.batchTfms.normalize).toBeNull();
    // pretrained: true asked explicitly: the same, as an error, at the first fit.
    const strict = visionLearner(dls(), resnet18, { output: q.output, pretrained: true });
    await expect(strict.fit(1)).rejects.toThrow(new RegExp(`${TV.replace('.', '\\.')} .* cannot be downloaded .*still offline.* To use it offline, copy`));
    for (const l of [learn, strict]) l.dispose();
  });

  it('by default, a mirror with a wrong file and WGSLNET_OFFLINE: each one line, nothing kept', async () => {
    const q = quiet();
    const mirrored = visionLearner(dls(), resnet18, { output: q.output, weightsUrl: `${base}/files` });
    await mirrored.waitReady();
    expect(q.lines[0]).toMatch(/^downloading .*resnet18-f37072fd\.pth/);
    expect(q.lines[1]).toMatch(/SHA-256 .* does not start with f37072fd.*; resnet18 starts from random weights\./);
    process.env.WGSLNET_OFFLINE = '1';
    const offline = visionLearner(dls(), resnet18, { output: q.output, weightsUrl: `${base}/files` });
    await offline.waitReady();
    expect(q.lines.slice(2)).toHaveLength(1);
    expect(q.lines[2]).toMatch(/cannot be downloaded from .* \(WGSLNET_OFFLINE is set\); resnet18 starts from random weights/);
    expect(hits.get(`/files/${TV}`)).toBe(1); // the mirror only, not the offline one
    expect(cached()).toEqual([]);
    for (const l of [mirrored, offline]) l.dispose();
  });

  it('pretrained: false touches neither the caches nor the network; a URL is downloaded, cached and loaded', async () => {
    put(caches.wgslnet, TV);
    const q = quiet();
    const none = visionLearner(dls(), resnet18, { output: q.output, pretrained: false, weightsUrl: `${base}/files` });
    await none.waitReady();
    expect((await conv1(none)).length).toBeGreaterThan(1000);
    expect(q.lines).toEqual([]);
    const fromUrl = visionLearner(dls(), resnet18, { output: q.output, pretrained: `${base}/files/${NAME}` });
    await fromUrl.waitReady();
    expect(await conv1(fromUrl)).toEqual([Math.fround(constants['conv1.weight']!)]);
    expect(fromUrl.model.body.conv1.weight.requiresGrad).toBe(false);
    expect(cached().sort()).toEqual([NAME, TV].sort());
    expect(hits.get(`/files/${NAME}`)).toBe(1);
    expect(hits.get(`/files/${TV}`)).toBeUndefined();
    for (const l of [none, fromUrl]) l.dispose();
  });
});

describe('the command line', () => {
  it('--pretrained, --pretrained <file>, --no-pretrained', () => {
    expect(takePretrainedArg(['train', 'imgs']).pretrained).toBeUndefined();
    expect(takePretrainedArg(['train', '--pretrained', 'imgs'])).toEqual({ rest: ['train', 'imgs'], pretrained: true });
    expect(takePretrainedArg(['train', 'imgs', '--pretrained', 'w/resnet34.pth'])).toEqual({ rest: ['train', 'imgs'], pretrained: 'w/resnet34.pth' });
    expect(takePretrainedArg(['--pretrained=https://example.org/r.safetensors', 'imgs']).pretrained).toBe('https://example.org/r.safetensors');
    expect(takePretrainedArg(['imgs', '--no-pretrained']).pretrained).toBe(false);
    expect(() => takePretrainedArg(['--pretrained', '--no-pretrained'])).toThrow(/give one of --pretrained, --pretrained <file> and --no-pretrained/);
  });

  it('train --pretrained offline stops with one line; --pretrained <file.pth> trains from it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wgslnet-cli-pre-'));
    for (const f of sampleFiles(['trouser', 'bag'], 4)) copyFileSync(f, join(dir, f.split('/').at(-1)!));
    const run = (...args: string[]) => {
      const r = spawnSync(process.execPath, [...WGSLNET, 'train', dir, '--label', 're:^(\\w+?)_\\d+', '--size', '16', '--bs', '2', '--epochs', '0', '--out', join(dir, 'm.safetensors'), ...args], {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, WGSLNET_OFFLINE: '1' },
      });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr.split('\n').filter((l) => l && !l.startsWith('Warning: maxDynamic')) };
    };
    const offline = run('--pretrained');
    expect(offline.status).toBe(1);
    expect(offline.stderr).toHaveLength(1);
    expect(offline.stderr[0]).toMatch(/^wgslnet train: resnet18-f37072fd\.pth .* \(WGSLNET_OFFLINE is set\)\. To use it offline, copy/);
    const fromFile = run('--pretrained', FIXTURE);
    expect(fromFile.status).toBe(0);
    expect(fromFile.stdout).toMatch(/exported to .*m\.safetensors/);
    expect(fromFile.stdout).not.toMatch(/random weights/);
  }, 120_000);
});
