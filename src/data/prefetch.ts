// The two things a DataLoader keeps between batches: staging memory (the uint8 batches the decode
// workers write into, reused, so a steady epoch allocates nothing per batch) and the prefetch
// depth (how many batches load ahead of the one being trained on), set from what it measures.

/**
 * Reusable batch buffers of one byte size. Shared memory where the platform has it (Node; a
 * cross-origin-isolated page), so decode workers write pixels in place instead of posting them.
 */
export class StagingPool {
  private free: Uint8Array[] = [];
  private bytes = 0;
  /** Buffers created so far (a test checks that epochs reuse them). */
  created = 0;

  take(bytes: number): Uint8Array {
    if (bytes !== this.bytes) {
      this.free = [];
      this.bytes = bytes;
    }
    const buf = this.free.pop();
    if (buf) return buf;
    this.created++;
    const shared = typeof SharedArrayBuffer !== 'undefined' && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== false;
    return new Uint8Array(shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  }

  give(buf: Uint8Array): void {
    if (buf.byteLength === this.bytes) this.free.push(buf);
  }
}

/** What one epoch of a DataLoader measured. */
export interface LoaderStats {
  batches: number;
  /** Seconds the consumer waited for batches (loading not hidden behind its work, plus the upload). */
  waitSeconds: number;
  /** Seconds the decode pool spent on this epoch's batches. */
  loadSeconds: number;
  /** Seconds the consumer spent between batches (training steps). */
  consumerSeconds: number;
  /** The prefetch depth at the end of the epoch, and the largest it reached. */
  depth: number;
  maxDepth: number;
}

export const MIN_DEPTH = 2;
export const MAX_DEPTH = 8;
const WINDOW = 8;

/**
 * The prefetch depth, from measurement: enough batches in flight that the slowest recent batch
 * (the decode pool's time on it) is covered by the consumer's average time per batch, plus the one
 * being consumed; between MIN_DEPTH and MAX_DEPTH. A fixed depth may be given instead.
 */
export class PrefetchDepth {
  private service: number[] = [];
  private consumer: number[] = [];
  private lastDone = 0;
  readonly stats: LoaderStats = { batches: 0, waitSeconds: 0, loadSeconds: 0, consumerSeconds: 0, depth: MIN_DEPTH, maxDepth: MIN_DEPTH };

  constructor(private readonly fixed?: number) {
    if (fixed !== undefined) this.stats.depth = this.stats.maxDepth = fixed;
  }

  get depth(): number {
    return this.stats.depth;
  }

  /**
   * A batch requested at `requested` finished at `done` (ms). The pool works first-in first-out,
   * so it started this batch when it finished the previous one, or when asked, whichever is later.
   */
  loaded(requested: number, done: number): void {
    const s = done - Math.max(requested, this.lastDone);
    this.lastDone = done;
    this.stats.loadSeconds += s / 1000;
    this.push(this.service, s);
  }

  /** The consumer held a batch for `ms` before asking for the next. */
  consumed(ms: number): void {
    this.stats.consumerSeconds += ms / 1000;
    this.push(this.consumer, ms);
    this.update();
  }

  waited(ms: number): void {
    this.stats.waitSeconds += ms / 1000;
    this.stats.batches++;
  }

  private push(xs: number[], x: number): void {
    xs.push(x);
    if (xs.length > WINDOW) xs.shift();
  }

  private update(): void {
    if (this.fixed !== undefined || !this.service.length || !this.consumer.length) return;
    const slowest = Math.max(...this.service);
    const perBatch = this.consumer.reduce((a, b) => a + b, 0) / this.consumer.length;
    const d = Math.ceil(slowest / Math.max(perBatch, 1e-3)) + 1;
    this.stats.depth = Math.min(MAX_DEPTH, Math.max(MIN_DEPTH, d));
    this.stats.maxDepth = Math.max(this.stats.maxDepth, this.stats.depth);
  }
}
