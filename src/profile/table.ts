// The per-kernel table of a profile: calls, total time, share of the step, GFLOP/s and GB/s from
// the FLOPs and bytes the profiler counts per kernel, and the fraction of the adapter's measured
// peak: the larger of compute (against the higher of the two FMA probes, the truer ceiling) and
// bandwidth (against the copy probe). A kernel that only moves data has no GFLOP/s ("—"); without
// a measured peak the last column is "—" too.

import type { Peak } from '../gpu/peak.js';
import type { KernelTime } from '../gpu/profiler.js';

export interface KernelRow {
  op: string;
  kernel: string;
  family: string;
  calls: number;
  ms: number;
  /** Fraction of the total time of all rows. */
  share: number;
  gflops: number | null;
  gbps: number | null;
  /** max(GFLOP/s ÷ peak GFLOP/s, GB/s ÷ peak GB/s), or null. */
  peakFraction: number | null;
}

export function kernelRows(times: readonly KernelTime[], peak: Peak | null = null): KernelRow[] {
  const total = times.reduce((s, t) => s + t.ms, 0);
  const peakGflops = peak ? Math.max(peak.gflops, peak.gflopsSpillFree) : 0;
  return times.map((t) => {
    const seconds = t.ms / 1000;
    const gflops = t.flops > 0 && seconds > 0 ? t.flops / seconds / 1e9 : null;
    const gbps = t.bytes > 0 && seconds > 0 ? t.bytes / seconds / 1e9 : null;
    const fractions = peak ? [gflops !== null && peakGflops > 0 ? gflops / peakGflops : null, gbps !== null && peak.gbps > 0 ? gbps / peak.gbps : null].filter((f): f is number => f !== null) : [];
    return {
      op: t.op,
      kernel: t.kernel,
      family: t.family,
      calls: t.dispatches,
      ms: t.ms,
      share: total > 0 ? t.ms / total : 0,
      gflops,
      gbps,
      peakFraction: fractions.length ? Math.max(...fractions) : null,
    };
  });
}

const dash = (v: number | null, digits: number, scale = 1) => (v === null ? '—' : (v * scale).toFixed(digits));

/** The rows as aligned text, slowest first, with a total line (for `wgslnet profile`). */
export function formatKernelTable(rows: readonly KernelRow[]): string {
  const head = ['op', 'kernel', 'calls', 'ms', 'share', 'GFLOP/s', 'GB/s', '% peak'];
  const body = [...rows]
    .sort((a, b) => b.ms - a.ms)
    .map((r) => [r.op, r.kernel, String(r.calls), r.ms.toFixed(3), `${(100 * r.share).toFixed(1)} %`, dash(r.gflops, 2), dash(r.gbps, 2), dash(r.peakFraction, 1, 100)]);
  const total = rows.reduce((s, r) => s + r.ms, 0);
  body.push(['total', '', String(rows.reduce((s, r) => s + r.calls, 0)), total.toFixed(3), '100.0 %', '', '', '']);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const left = new Set([0, 1]);
  const line = (cells: string[]) => cells.map((c, i) => (left.has(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(head), ...body.map(line)].join('\n');
}
