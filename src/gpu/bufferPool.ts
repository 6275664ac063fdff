// Storage buffers for tensors, recycled by size class so that a steady-state training step
// creates no GPU buffers at all. A released buffer goes back to its class's free list at once:
// that is safe because every dispatch is recorded on one queue in order, so later work that
// reuses the buffer runs after earlier work that read it (uploads flush the encoder first).
// acquire() always hands out the free buffer with the lowest id. The buffer a tensor gets then
// depends only on which buffers are free, not on the order they were released in, so every step
// of a training loop gets the same buffers as the last and its cached bind groups hit.

export interface PooledBuffer {
  readonly gpu: GPUBuffer;
  /** Stable id, used in bind-group cache keys. */
  readonly id: number;
  /** Allocated bytes (the size class), ≥ what the tensor needs. */
  readonly size: number;
}

// UNIFORM too: a kernel may write a tensor (weights packed into panels) that the next one binds
// as 64 KiB uniform windows (the CPU-adapter kernels).
const USAGE = 0x80 /* STORAGE */ | 0x40 /* UNIFORM */ | 0x04 /* COPY_SRC */ | 0x08; /* COPY_DST */

/**
 * Size classes: multiples of 256 bytes up to 64 KiB, then four steps per power of two
 * (1, 1.25, 1.5, 1.75 × 2^k), so at most 25 % of a large buffer is slack.
 */
export function sizeClass(bytes: number): number {
  const b = Math.max(bytes, 16);
  if (b <= 65536) return Math.ceil(b / 256) * 256;
  const p = 2 ** Math.floor(Math.log2(b));
  const step = p / 4;
  return Math.ceil(b / step) * step;
}

export class BufferPool {
  private free = new Map<number, PooledBuffer[]>();
  private nextId = 1;
  /** GPU buffers this pool has created and not destroyed. */
  created = 0;
  createdBytes = 0;
  inUse = 0;
  inUseBytes = 0;
  peakInUseBytes = 0;

  constructor(private device: GPUDevice) {}

  acquire(bytes: number, label: string): PooledBuffer {
    const size = sizeClass(bytes);
    const list = this.free.get(size);
    let buf = list?.pop();
    if (!buf) {
      buf = { gpu: this.device.createBuffer({ size, usage: USAGE, label }), id: this.nextId++, size };
      this.created++;
      this.createdBytes += size;
    }
    this.inUse++;
    this.inUseBytes += size;
    this.peakInUseBytes = Math.max(this.peakInUseBytes, this.inUseBytes);
    return buf;
  }

  release(buf: PooledBuffer): void {
    this.inUse--;
    this.inUseBytes -= buf.size;
    let list = this.free.get(buf.size);
    if (!list) this.free.set(buf.size, (list = []));
    // Keep each list sorted by descending id, so pop() returns the lowest.
    let at = list.length;
    while (at > 0 && list[at - 1]!.id < buf.id) at--;
    list.splice(at, 0, buf);
  }
}
