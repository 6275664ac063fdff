// Kernel timing from the GPU's own clock: while profiling, every dispatch runs in its own compute
// pass whose beginning and end write timestamps into a query set; at the end the timestamps are
// resolved, read back once, and summed per op and kernel file. Needs the adapter's
// 'timestamp-query' feature. Profiling changes what it measures a little (one pass per dispatch
// instead of one pass per batch), so use it to see where time goes, and bench/ for totals.

import { WgslnetError } from './errors.js';

export interface KernelTime {
  op: string;
  kernel: string;
  dispatches: number;
  ms: number;
}

/** Queries per query set: 2 per dispatch. */
const CAPACITY = 4096;

export class Profiler {
  private querySet: GPUQuerySet;
  private resolveBuf: GPUBuffer;
  private labels: { op: string; kernel: string }[] = [];
  private totals = new Map<string, KernelTime>();
  private pending: Promise<void>[] = [];

  constructor(private device: GPUDevice) {
    if (!device.features.has('timestamp-query')) throw new WgslnetError("profiling needs the adapter's 'timestamp-query' feature, which this adapter lacks");
    this.querySet = device.createQuerySet({ type: 'timestamp', count: CAPACITY });
    this.resolveBuf = device.createBuffer({ size: CAPACITY * 8, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
  }

  /** Pass descriptor for the next dispatch, or null when the set is full (caller then drains). */
  nextPass(op: string, kernel: string): GPUComputePassDescriptor | null {
    const i = this.labels.length;
    if (2 * i + 2 > CAPACITY) return null;
    this.labels.push({ op, kernel });
    return { label: op, timestampWrites: { querySet: this.querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 } };
  }

  /** Records the resolve of the filled queries into `encoder`; reads them back after the submit. */
  drain(encoder: GPUCommandEncoder): () => void {
    const labels = this.labels;
    this.labels = [];
    if (!labels.length) return () => {};
    const bytes = labels.length * 16;
    encoder.resolveQuerySet(this.querySet, 0, labels.length * 2, this.resolveBuf, 0);
    const staging = this.device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    encoder.copyBufferToBuffer(this.resolveBuf, 0, staging, 0, bytes);
    return () => {
      this.pending.push(
        staging.mapAsync(GPUMapMode.READ).then(() => {
          const t = new BigUint64Array(staging.getMappedRange().slice(0));
          labels.forEach((l, i) => {
            const key = `${l.op}\u0000${l.kernel}`;
            const e = this.totals.get(key) ?? { op: l.op, kernel: l.kernel, dispatches: 0, ms: 0 };
            e.dispatches++;
            e.ms += Number(t[2 * i + 1]! - t[2 * i]!) / 1e6;
            this.totals.set(key, e);
          });
          staging.destroy();
        }),
      );
    };
  }

  async results(): Promise<KernelTime[]> {
    await Promise.all(this.pending);
    return [...this.totals.values()].sort((a, b) => b.ms - a.ms);
  }

  destroy(): void {
    this.querySet.destroy();
    this.resolveBuf.destroy();
  }
}
