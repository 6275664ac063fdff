// Timing GPU work from the host: warm up, then run until both a minimum count and a minimum time
// are reached, and report the median of per-batch times. Each sample submits its work and waits
// for the queue, so it measures what a user waits for (dispatch + execution).

import { sync } from '../src/node/index.js';

export interface Timing {
  /** Median seconds for one call of fn. */
  seconds: number;
  samples: number;
}

export async function timeGpu(fn: () => void, opts: { warmup?: number; minSamples?: number; minSeconds?: number } = {}): Promise<Timing> {
  const warmup = opts.warmup ?? 1;
  const minSamples = opts.minSamples ?? 3;
  const minSeconds = opts.minSeconds ?? 1;
  for (let i = 0; i < warmup; i++) fn();
  await sync();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < minSamples || (performance.now() - start) / 1000 < minSeconds) {
    const t0 = performance.now();
    fn();
    await sync();
    times.push((performance.now() - t0) / 1000);
    if (times.length >= 200) break;
  }
  times.sort((a, b) => a - b);
  return { seconds: times[Math.floor(times.length / 2)]!, samples: times.length };
}
