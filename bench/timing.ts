// Timing GPU work from the host, and the one table format every bench prints.
// Times are medians; each sample waits for the GPU, so a row measures what a user waits for.

import { sync } from '../src/node/index.js';
import type { Peak } from '../src/gpu/peak.js';

export interface Timing {
  /** Median seconds for one call of fn. */
  seconds: number;
  /** Fastest sample: what the peak probes report (a peak is a maximum). */
  best: number;
  samples: number;
}

/** Times fn() + sync(): warm up, then sample until both minSamples and minSeconds are reached. */
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
  return { seconds: times[Math.floor(times.length / 2)]!, best: times[0]!, samples: times.length };
}

/** Median seconds of an async call (one warm-up, then `samples` timed calls). */
export async function timeAsync(fn: () => Promise<void>, samples = 3): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    await fn();
    times.push((performance.now() - t0) / 1000);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

export interface Row {
  name: string;
  impl: string;
  seconds: number;
  flops?: number;
  bytes?: number;
  peak: Peak;
  /** The peer's seconds for the same row, for the ratio column. */
  peer?: number;
  /** Max error against the reference, relative to its largest value (checked before timing). */
  error?: number;
  /** This row is the reference the others' errors are measured against. */
  reference?: boolean;
}

export function formatTable(rows: Row[]): string {
  const head = ['workload', 'impl', 'ms', 'GFLOP/s', '% FMA peak', '% spill-free', 'GB/s', '% copy BW', '× TF.js', 'error'];
  const body = rows.map((r) => {
    const gflops = r.flops ? r.flops / r.seconds / 1e9 : undefined;
    const gbps = r.bytes ? r.bytes / r.seconds / 1e9 : undefined;
    return [
      r.name,
      r.impl,
      (r.seconds * 1000).toFixed(1),
      gflops?.toFixed(2) ?? '',
      gflops ? ((100 * gflops) / r.peak.gflops).toFixed(1) : '',
      gflops ? ((100 * gflops) / r.peak.gflopsSpillFree).toFixed(1) : '',
      gbps?.toFixed(2) ?? '',
      gbps ? ((100 * gbps) / r.peak.gbps).toFixed(1) : '',
      r.peer ? (r.peer / r.seconds).toFixed(2) : '',
      r.reference ? 'ref' : r.error === undefined ? '' : r.error === 0 ? '0' : r.error.toExponential(1),
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
