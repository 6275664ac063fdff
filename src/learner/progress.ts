// What a fit shows: fastai's epoch table (same columns, widths, 6-decimal floats and mm:ss times, as
// fastprogress writes it on a console) and a live progress bar when stdout is a terminal (plain
// lines otherwise). ProgressCallback draws both from the Recorder's numbers.

import { Callback } from './callback.js';
import type { Learner } from './learner.js';

/** fastai's format_time: mm:ss, or h:mm:ss past an hour. */
export function formatTime(seconds: number): string {
  const t = Math.floor(seconds);
  const [h, m, s] = [Math.floor(t / 3600), Math.floor(t / 60) % 60, t % 60];
  const two = (v: number) => String(v).padStart(2, '0');
  return h ? `${h}:${two(m)}:${two(s)}` : `${two(m)}:${two(s)}`;
}

/**
 * fastprogress's console table: each header padded to at least 8 characters, joined by two spaces;
 * each value padded to its header's width plus two.
 */
export class TablePrinter {
  private readonly names: string[];
  constructor(
    headers: string[],
    private readonly out: (line: string) => void,
  ) {
    this.names = headers.map((h) => h.padEnd(8));
  }
  header(): string {
    const line = this.names.join('  ');
    this.out(line);
    return line;
  }
  row(values: string[]): string {
    const line = values.map((v, i) => v.padEnd(this.names[i]!.length + 2)).join('');
    this.out(line);
    return line;
  }
}

export interface Output {
  /** Writes one finished line. */
  line(s: string): void;
  /** Shows a transient status (a progress bar) that the next line replaces; a no-op when not a terminal. */
  status(s: string): void;
}

interface Stdout {
  isTTY?: boolean;
  columns?: number;
  write(s: string): unknown;
}

/** stdout: a live bar on a terminal, plain lines otherwise; console.log where there is no process (browser). */
export function defaultOutput(): Output {
  const stdout = (globalThis as { process?: { stdout?: Stdout } }).process?.stdout;
  if (!stdout) return { line: (s) => console.log(s), status: () => {} };
  let shown = false;
  const clear = () => {
    if (shown) stdout.write('\r\x1b[2K');
    shown = false;
  };
  return {
    line(s) {
      clear();
      stdout.write(s + '\n');
    },
    status(s) {
      if (!stdout.isTTY) return;
      clear();
      stdout.write(s.slice(0, (stdout.columns ?? 100) - 1));
      shown = true;
    },
  };
}

/** ` 45.00% [18/40 00:09<00:12 0.5321]` with a 30-character bar, as fastprogress draws it. */
export function progressBar(done: number, total: number, elapsed: number, comment = ''): string {
  const width = 30;
  done = Math.min(done, total); // a caller's count may overrun; the bar must never throw
  const filled = total ? Math.round((done / total) * width) : 0;
  const remaining = done ? (elapsed / done) * (total - done) : 0;
  const pct = total ? ((100 * done) / total).toFixed(2) : '0.00';
  return `|${'█'.repeat(filled)}${' '.repeat(width - filled)}| ${pct}% [${done}/${total} ${formatTime(elapsed)}<${formatTime(remaining)}${comment ? ' ' + comment : ''}]`;
}

/** fastai's ProgressCallback: the table's header before a fit, a bar per batch, a row per epoch. */
export class ProgressCallback extends Callback {
  override order = 60;
  private table: TablePrinter | null = null;
  private t0 = 0;

  override beforeFit(learn: Learner): void {
    this.table = new TablePrinter(learn.recorder.metricNames, (s) => learn.output.line(s));
    this.table.header();
  }
  override beforeTrain(): void {
    this.t0 = performance.now();
  }
  override beforeValidate(): void {
    this.t0 = performance.now();
  }
  override afterBatch(learn: Learner): void {
    const comment = learn.training ? learn.smoothLoss.toFixed(4) : '';
    learn.output.status(progressBar(learn.iter + 1, learn.nIter, (performance.now() - this.t0) / 1000, comment));
  }
  override afterEpoch(learn: Learner): void {
    const row = learn.recorder.log;
    if (!this.table || !row.length) return;
    const last = row.length - 1;
    this.table.row(row.map((v, i) => (i === 0 ? String(v) : i === last ? formatTime(v) : v.toFixed(6))));
  }
}
