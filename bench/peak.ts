// The adapter's measured roofline: FMA throughput (GFLOP/s) and copy bandwidth (GB/s), each the
// fastest of ≥ 2 s of samples (a peak is a maximum; every other row reports its median).
// Every other bench row is reported as a fraction of these, measured in the same run.

import { defineKernel } from '../src/gpu/kernelDecl.js';
import { grid1d, launch, output } from '../src/ops/launch.js';
import { tidy } from '../src/node/index.js';
import { timeGpu } from './timing.js';

const FMA_PEAK = defineKernel({ file: 'bench/fma_peak.wgsl', params: { iters: 'u32', seed: 'f32' }, inputs: [], outputs: ['out'], overrides: ['WG'] });
const COPY = defineKernel({ file: 'bench/copy.wgsl', params: { n4: 'u32' }, inputs: ['x'], outputs: ['y'], overrides: ['WG'] });

export interface Peak {
  gflops: number;
  gbps: number;
}

export async function measurePeak(): Promise<Peak> {
  const invocations = 256 * 64;
  const iters = 4096;
  const out = output([invocations], 'fma peak');
  const fma = await timeGpu(() => launch('fma peak', FMA_PEAK, { params: { iters, seed: 0.5 }, inputs: [], outputs: [out], workgroups: grid1d(invocations) }), { minSeconds: 2 });
  out.dispose();
  const gflops = (invocations * iters * 64) / fma.best / 1e9;

  const n4 = (64 * 1024 * 1024) / 16; // 64 MiB each way
  const [x, y] = tidy(() => [output([n4 * 4], 'copy'), output([n4 * 4], 'copy')]);
  const copy = await timeGpu(() => launch('copy', COPY, { params: { n4 }, inputs: [x!], outputs: [y!], workgroups: grid1d(n4) }), { minSeconds: 2 });
  x!.dispose();
  y!.dispose();
  const gbps = (2 * 16 * n4) / copy.best / 1e9;
  return { gflops, gbps };
}
