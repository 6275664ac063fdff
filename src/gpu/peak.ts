// The adapter's measured roofline: multiply-add throughput (GFLOP/s) from two probes, and copy
// bandwidth (GB/s). Each is the fastest of ~1 s of samples (a peak is a maximum). Profiles and
// benchmarks report kernels as a fraction of these, measured on the same adapter.
//   gflops          — shaders/bench/fma_peak.wgsl: 8 vec4 chains; on a CPU driver it spills and
//                     understates the machine by about 2×, but it is what a typical kernel sees;
//   gflopsSpillFree — shaders/bench/fma_peak2.wgsl: 12 scalar chains that fit the registers;
//   gbps            — shaders/bench/copy.wgsl: a 64 MiB vec4 copy, read + write counted.
// measurePeak() runs the probes once per device and remembers the result.

import { defineKernel } from './kernelDecl.js';
import { runtime } from './runtime.js';
import { grid1d, launch, output } from '../ops/launch.js';
import { tidy } from '../tensor/scope.js';

const FMA_PEAK = defineKernel({ file: 'bench/fma_peak.wgsl', params: { iters: 'u32', seed: 'f32' }, inputs: [], outputs: ['out'], overrides: ['WG'] });
const FMA_PEAK2 = defineKernel({ file: 'bench/fma_peak2.wgsl', params: { iters: 'u32', seed: 'f32' }, inputs: [], outputs: ['out'], overrides: ['WG'] });
const COPY = defineKernel({ file: 'bench/copy.wgsl', params: { n4: 'u32' }, inputs: ['x'], outputs: ['y'], overrides: ['WG'] });

export interface Peak {
  /** vec4 FMA chains (fma_peak.wgsl). */
  gflops: number;
  /** Scalar chains that do not spill (fma_peak2.wgsl): the higher, truer ceiling on CPU drivers. */
  gflopsSpillFree: number;
  /** vec4 copy, bytes read + written per second. */
  gbps: number;
}

/** Fastest seconds per call of fn over about `seconds` of samples (each sample waits for the GPU). */
async function fastest(fn: () => void, seconds: number): Promise<number> {
  fn();
  await runtime().sync();
  let best = Infinity;
  const start = performance.now();
  for (let n = 0; n < 3 || performance.now() - start < seconds * 1000; n++) {
    const t0 = performance.now();
    fn();
    await runtime().sync();
    best = Math.min(best, (performance.now() - t0) / 1000);
    if (n >= 100) break;
  }
  return best;
}

const measured = new WeakMap<GPUDevice, Peak>();

/** The probes, run once per device (about 3 s on a CPU adapter); later calls return the same numbers. */
export async function measurePeak(opts: { seconds?: number } = {}): Promise<Peak> {
  const device = runtime().device;
  const known = measured.get(device);
  if (known) return known;
  const seconds = opts.seconds ?? 1;
  const invocations = 256 * 64;
  const iters = 4096;
  const out = output([invocations], 'fma peak');
  const fma = await fastest(() => launch('fma peak', FMA_PEAK, { params: { iters, seed: 0.5 }, inputs: [], outputs: [out], workgroups: grid1d(invocations) }), seconds);
  const fma2 = await fastest(() => launch('fma peak', FMA_PEAK2, { params: { iters, seed: 0.5 }, inputs: [], outputs: [out], workgroups: grid1d(invocations) }), seconds);
  out.dispose();

  const n4 = (64 * 1024 * 1024) / 16; // 64 MiB each way
  const [x, y] = tidy(() => [output([n4 * 4], 'copy'), output([n4 * 4], 'copy')]);
  const copy = await fastest(() => launch('copy', COPY, { params: { n4 }, inputs: [x!], outputs: [y!], workgroups: grid1d(n4) }), seconds);
  x!.dispose();
  y!.dispose();
  const peak = { gflops: (invocations * iters * 64) / fma / 1e9, gflopsSpillFree: (invocations * iters * 24) / fma2 / 1e9, gbps: (2 * 16 * n4) / copy / 1e9 };
  measured.set(device, peak);
  return peak;
}
