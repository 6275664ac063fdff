// npm run bench:browser — the same workloads in Chromium on SwiftShader (the adapter a user
// without a GPU gets in Chrome), beside TF.js's WebGPU backend in the same page:
// the peak probes, matmul 1024³ (checked against the f64 reference before it is timed) and a
// ResNet-18 training step.
//   npx tsx bench/browser.ts [--train-steps 5] [--sizes 1024]

import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { launchChromium, servePage } from '../scripts/chromium.mjs';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const sizes = (arg('sizes') ?? '1024').split(',').map(Number);
const trainSteps = Number(arg('train-steps') ?? 5);

type Bench = {
  setup(): Promise<{ adapter: string; peak: { gflops: number; gflopsSpillFree: number; gbps: number } }>;
  matmul(n: number, impl: string): Promise<{ seconds: number; error: number | null }>;
  train(batch: number, size: number, steps: number): Promise<{ imagesPerSecond: number; split: Record<string, number>; buffersFlat: boolean; top: { op: string; kernel: string; dispatches: number; ms: number; gflops: number | null }[] }>;
  trainTfjs(batch: number, size: number, steps: number): Promise<{ imagesPerSecond: number }>;
  conv(xs: number[], ws: number[], stride: number, padding: number, rung: string): Promise<{ ms: Record<string, number>; flops: number }>;
};

const served = await servePage(fileURLToPath(new URL('./browser/page.ts', import.meta.url)));
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error(`page error: ${e}`));
  page.on('console', (m) => m.type() === 'error' && console.error(`page: ${m.text()}`));
  await page.goto(served.url);
  await page.waitForFunction(() => 'bench' in globalThis, null, { timeout: 120_000 });
  const call = <K extends keyof Bench>(k: K, ...a: Parameters<Bench[K]>) =>
    page.evaluate(([k, a]) => ((globalThis as unknown as { bench: Record<string, (...x: unknown[]) => unknown> }).bench[k as string]!(...(a as unknown[])) as Promise<Awaited<ReturnType<Bench[K]>>>), [k, a] as const);
  const { adapter, peak } = await call('setup');
  console.log(`Chromium ${browser.version()}, adapter: ${adapter}`);
  console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`measured peak: ${peak.gflops.toFixed(1)} GFLOP/s (fma_peak.wgsl), ${peak.gflopsSpillFree.toFixed(1)} GFLOP/s (fma_peak2.wgsl, spill-free), ${peak.gbps.toFixed(2)} GB/s\n`);
  console.log('workload      impl          ms     GFLOP/s  % spill-free peak  × TF.js  max error');
  for (const n of sizes) {
    const flops = 2 * n ** 3;
    const tfjs = await call('matmul', n, 'tfjs');
    for (const impl of ['tfjs', 'rowblock', 'panel']) {
      const r = impl === 'tfjs' ? tfjs : await call('matmul', n, impl);
      const gf = flops / r.seconds / 1e9;
      console.log(`matmul ${n}³`.padEnd(14) + impl.padEnd(10) + (r.seconds * 1000).toFixed(1).padStart(8) + gf.toFixed(2).padStart(11) + ((100 * gf) / peak.gflopsSpillFree).toFixed(1).padStart(19) + (tfjs.seconds / r.seconds).toFixed(2).padStart(9) + (r.error === null ? '' : r.error.toExponential(1).padStart(11)));
    }
  }
  console.log('\nResNet-18 convolutions at batch 16, 64² (panel rung; GPU time of all its dispatches; GFLOP/s)');
  const shapes: [string, number[], number[], number, number][] = [
    ['stem 7×7/2', [16, 3, 64, 64], [64, 3, 7, 7], 2, 3],
    ['layer1 3×3', [16, 64, 16, 16], [64, 64, 3, 3], 1, 1],
    ['layer2 3×3', [16, 128, 8, 8], [128, 128, 3, 3], 1, 1],
    ['layer3 3×3', [16, 256, 4, 4], [256, 256, 3, 3], 1, 1],
    ['layer4 3×3', [16, 512, 2, 2], [512, 512, 3, 3], 1, 1],
  ];
  for (const [name, xs, ws, st, pd] of shapes) {
    const r = await call('conv', xs, ws, st, pd, 'panel');
    console.log(`  ${name.padEnd(12)}` + Object.entries(r.ms).map(([d, ms]) => `${d} ${ms.toFixed(1)} ms (${(r.flops / ms / 1e6).toFixed(2)})`).join('   '));
  }
  console.log('\ntraining step (forward + backward + Adam), ResNet-18, 10 classes, 64²');
  const ours = await call('train', 16, 64, trainSteps);
  const theirs = await call('trainTfjs', 16, 64, Math.max(1, Math.min(trainSteps, 2)));
  console.log(`batch 16  wgslnet      ${ours.imagesPerSecond.toFixed(2)} images/s  (${(ours.imagesPerSecond / theirs.imagesPerSecond).toFixed(2)}× TF.js; buffers flat: ${ours.buffersFlat})`);
  console.log(`          GPU time: ${Object.entries(ours.split).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${(100 * v).toFixed(1)} %`).join(', ')}`);
  console.log(`batch 16  tfjs-webgpu  ${theirs.imagesPerSecond.toFixed(2)} images/s`);
  console.log('\nslowest kernels of one profiled wgslnet step (GPU timestamps):');
  for (const t of ours.top) console.log(`  ${t.op.padEnd(24)}${t.kernel.padEnd(38)}${String(t.dispatches).padStart(5)}×${t.ms.toFixed(1).padStart(9)} ms${t.gflops === null ? '' : `${t.gflops.toFixed(2).padStart(8)} GFLOP/s`}`);
  console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
} finally {
  await browser.close();
  await served.close();
}
