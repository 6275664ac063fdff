// Profiling a training step kernel by kernel, as `wgslnet profile` and the studio's Profile tab do:
// on GPU timestamps, and by wall-clock replay for adapters without them (which must time the same
// dispatches and never write into a live tensor); the table's derived columns; the CLI command.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { F, formatKernelTable, init, kernelRows, profile, profileStep, profileWallClock, randn, sync, tensor, tidy, type KernelTime } from '../src/node/index.js';
import { WGSLNET } from './helpers/cli.js';

const root = fileURLToPath(new URL('..', import.meta.url));

beforeAll(async () => {
  await init();
});

describe('wall-clock profiling (no timestamp-query)', () => {
  it('times the same dispatches as the GPU profiler, and its replay leaves live tensors alone', async () => {
    const x = randn([2, 8, 16, 16]);
    const w = randn([8, 8, 3, 3], { requiresGrad: true });
    const acc = tensor(new Float32Array(4).fill(1), [4]);
    const step = () => {
      tidy(() => F.conv2d(x, w, null, { padding: 1 }).relu().sum().backward());
      w.grad!.dispose();
      w.grad = null;
      acc.assign(tidy(() => acc.mul(2))); // in place: a replay into acc's buffer would multiply again
    };
    await sync();
    const wall = await profileWallClock(step, { repeats: 4 });
    expect(Array.from(await acc.toArray())).toEqual([2, 2, 2, 2]);
    const gpu = await profile(step);
    const key = (t: KernelTime) => `${t.op} ${t.kernel} ${t.dispatches}`;
    expect(wall.map(key).sort()).toEqual(gpu.map(key).sort());
    expect(wall.every((t) => t.ms >= 0)).toBe(true);
    expect(wall.filter((t) => t.op === 'conv2d').reduce((s, t) => s + t.ms, 0)).toBeGreaterThan(0);
    // FLOPs and bytes are the recorded dispatches' own, as the GPU profiler counts them.
    const sum = (ts: KernelTime[], k: 'flops' | 'bytes') => ts.reduce((s, t) => s + t[k], 0);
    expect(sum(wall, 'flops')).toBe(sum(gpu, 'flops'));
    expect(sum(wall, 'bytes')).toBe(sum(gpu, 'bytes'));
    expect(sum(wall, 'flops')).toBeGreaterThan(0);
    for (let i = 1; i < wall.length; i++) expect(wall[i - 1]!.ms).toBeGreaterThanOrEqual(wall[i]!.ms);
    // The runtime works normally afterwards.
    expect(Array.from(await acc.toArray())).toEqual([4, 4, 4, 4]);
  });
});

describe('profileStep and the kernel table', () => {
  it('profiles a ResNet-18 training step: convolutions, BatchNorm and Adam, shares summing to 1', async () => {
    const p = await profileStep({ arch: 'resnet18', size: 16, bs: 2, classes: 3 });
    expect(p.timing).toBe('gpu');
    expect(p.stepMs).toBeGreaterThan(0);
    const kernels = new Set(p.kernels.map((k) => k.kernel));
    for (const k of ['optim/adam.wgsl', 'norm/bn_stats.wgsl', 'loss/cross_entropy.wgsl']) expect(kernels).toContain(k);
    expect([...kernels].some((k) => k.startsWith('conv/'))).toBe(true);
    // Adam runs once per parameter tensor: ResNet-18 has 62.
    expect(p.kernels.filter((k) => k.kernel === 'optim/adam.wgsl').reduce((n, k) => n + k.dispatches, 0)).toBe(62);
    const rows = kernelRows(p.kernels);
    expect(rows.reduce((s, r) => s + r.share, 0)).toBeCloseTo(1, 6);
    const text = formatKernelTable(rows);
    expect(text.split('\n')[0]).toMatch(/^op\s+kernel\s+calls\s+ms\s+share\s+GFLOP\/s\s+GB\/s\s+% peak$/);
    expect(text).toMatch(/\nAdamW step\s+optim\/adam\.wgsl\s+62\s+[\d.]+\s+[\d.]+ %\s+[\d.—]+\s+[\d.]+\s+—/); // no peak given: "—"
    // The optimizer moves bytes: its GB/s is known; with a peak, so is its fraction of it.
    const adam = kernelRows(p.kernels, { gflops: 10, gflopsSpillFree: 20, gbps: 5 }).find((r) => r.kernel === 'optim/adam.wgsl')!;
    expect(adam.gbps).toBeGreaterThan(0);
    expect(adam.peakFraction).toBeGreaterThanOrEqual(adam.gbps! / 5);
    expect(text.split('\n').at(-1)).toMatch(/^total\s+\d+\s+[\d.]+\s+100\.0 %$/);
    const forward = await profileStep({ arch: 'resnet18', size: 16, bs: 2, mode: 'forward', timing: 'wall' });
    expect(forward.timing).toBe('wall');
    expect(forward.kernels.some((k) => k.kernel === 'optim/adam.wgsl')).toBe(false);
  });

  it('derives GFLOP/s, GB/s and the roofline fraction where FLOPs and bytes are known', () => {
    const t = [
      { op: 'matmul', kernel: 'matmul/matmul_tiled.wgsl', family: 'matmul', dispatches: 2, ms: 10, flops: 2e9, bytes: 1e8 },
      { op: 'permute', kernel: 'elementwise/strided_copy.wgsl', family: 'elementwise+other', dispatches: 1, ms: 30, flops: 0, bytes: 6e8 },
    ];
    const [mm, copy] = kernelRows(t, { gflops: 300, gflopsSpillFree: 400, gbps: 50 });
    expect(mm!.gflops).toBeCloseTo(200, 9); // 2e9 FLOP in 10 ms
    expect(mm!.gbps).toBeCloseTo(10, 9);
    expect(mm!.peakFraction).toBeCloseTo(0.5, 9); // max(200/400 against the higher FMA probe, 10/50)
    expect(mm!.share).toBeCloseTo(0.25, 9);
    expect(copy!.gflops).toBeNull(); // data movement only
    expect(copy!.gbps).toBeCloseTo(20, 9);
    expect(copy!.peakFraction).toBeCloseTo(0.4, 9);
    expect(kernelRows(t, null)[0]!.peakFraction).toBeNull();
  });
});

describe('wgslnet profile', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, [...WGSLNET, 'profile', ...args], { cwd: root, encoding: 'utf8', timeout: 300_000 });

  it('prints the per-kernel table of a training step', () => {
    const r = run('--size', '16', '--bs', '2');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^peak: [\d.]+ GFLOP\/s \(vec4 FMA probe\), [\d.]+ GFLOP\/s \(spill-free FMA probe\), [\d.]+ GB\/s \(copy probe\)$/m);
    expect(r.stdout).toMatch(/^resnet18, 2 images of 16×16: one training step \(forward, backward, Adam\) takes [\d.]+ ms; times from GPU timestamps$/m);
    expect(r.stdout).toMatch(/^AdamW step\s+optim\/adam\.wgsl\s+62\s/m);
    expect(r.stdout).toMatch(/^total\s/m);
  });

  it('rejects a bad architecture with the usage', () => {
    const r = run('--arch', 'vgg16');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--arch must be one of resnet18, .*, got 'vgg16'/);
  });
});
