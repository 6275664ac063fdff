// Kernel timing from the GPU's own clock: while profiling, every dispatch runs in its own compute
// pass whose beginning and end write timestamps into a query set; at the end the timestamps are
// resolved, read back once, and summed per op and kernel file. Needs the adapter's
// 'timestamp-query' feature. Profiling changes what it measures a little (one pass per dispatch
// instead of one pass per batch), so use it to see where time goes, and bench/ for totals.

import { WgslnetError } from './errors.js';

export interface KernelTime {
  /** The op the dispatches ran for (a convolution's packing and copies count as the convolution). */
  op: string;
  /** The shader file under shaders/. */
  kernel: string;
  /** The kind of work, for splitting a training step: see opFamily. */
  family: string;
  dispatches: number;
  ms: number;
  /** Useful floating-point operations, as the op counts them (0 for pure data movement). */
  flops: number;
  /** Bytes of the tensors the dispatches read and wrote: the least memory traffic they need. */
  bytes: number;
}

/** What a dispatch costs, for GFLOP/s and GB/s columns. */
export interface DispatchCost {
  flops: number;
  bytes: number;
}

/** The family of an op name: the split the benchmarks and the studio report a training step by. */
export function opFamily(op: string): string {
  if (op === 'conv2d') return 'conv fwd';
  if (op === 'conv2d dX') return 'conv dX';
  if (op === 'conv2d dW') return 'conv dW';
  if (op.startsWith('matmul') || op.startsWith('linear')) return 'matmul';
  if (op.startsWith('batchNorm')) return 'BN';
  if (op.endsWith(' step')) return 'optimizer';
  if (/pool/i.test(op)) return 'pool';
  if (/crossEntropy|logSoftmax/.test(op)) return 'loss';
  if (op.startsWith('augment')) return 'data';
  return 'elementwise+other';
}

/** Queries per query set: 2 per dispatch. */
const CAPACITY = 4096;

export class Profiler {
  private querySet: GPUQuerySet;
  private resolveBuf: GPUBuffer;
  private labels: { op: string; kernel: string; cost: DispatchCost }[] = [];
  private totals = new Map<string, KernelTime>();
  private pending: Promise<void>[] = [];

  constructor(private device: GPUDevice) {
    if (!device.features.has('timestamp-query')) throw new WgslnetError("profiling needs the adapter's 'timestamp-query' feature, which this adapter lacks");
    this.querySet = device.createQuerySet({ type: 'timestamp', count: CAPACITY });
    this.resolveBuf = device.createBuffer({ size: CAPACITY * 8, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
  }

  /** Pass descriptor for the next dispatch, or null when the set is full (caller then drains). */
  nextPass(op: string, kernel: string, cost: DispatchCost): GPUComputePassDescriptor | null {
    const i = this.labels.length;
    if (2 * i + 2 > CAPACITY) return null;
    this.labels.push({ op, kernel, cost });
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
            const e = this.totals.get(key) ?? { op: l.op, kernel: l.kernel, family: opFamily(l.op), dispatches: 0, ms: 0, flops: 0, bytes: 0 };
            e.dispatches++;
            e.ms += Number(t[2 * i + 1]! - t[2 * i]!) / 1e6;
            e.flops += l.cost.flops;
            e.bytes += l.cost.bytes;
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
