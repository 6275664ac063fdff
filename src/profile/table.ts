// The per-kernel table of a profile: calls, total time, share of the step, and, where the profiler
// knows a kernel's FLOPs and bytes, GFLOP/s, GB/s and the fraction of the adapter's measured peak
// (the larger of the two roofline fractions). Missing numbers stay null and print as "—".

import type { KernelTime } from '../gpu/profiler.js';

/** The adapter's measured roofline: an FMA probe (GFLOP/s) and a copy probe (GB/s). */
export interface Peak {
  gflops: number;
  gbps: number;
}

/** A KernelTime with the costs a profiler may attach (summed FLOPs and bytes, a kernel family). */
type Costed = KernelTime & { flops?: number; bytes?: number; family?: string };

export interface KernelRow {
  op: string;
  kernel: string;
  family: string | null;
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
  return times.map((t) => {
    const c = t as Costed;
    const seconds = t.ms / 1000;
    const gflops = c.flops !== undefined && seconds > 0 ? c.flops / seconds / 1e9 : null;
    const gbps = c.bytes !== undefined && seconds > 0 ? c.bytes / seconds / 1e9 : null;
    const fractions = peak ? [gflops !== null ? gflops / peak.gflops : null, gbps !== null ? gbps / peak.gbps : null].filter((f): f is number => f !== null) : [];
    return {
      op: t.op,
      kernel: t.kernel,
      family: c.family ?? null,
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
