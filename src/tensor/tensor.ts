// Tensor: an f32 array on a GPU buffer, with a shape and (optionally) a place on the autograd tape.
// Storage is reference-counted only between views of the same buffer (reshape); the tensor itself
// is released explicitly, by dispose() or by the tidy() scope it was created in (scope.ts).

import type { PooledBuffer } from '../gpu/bufferPool.js';
import { shapeStr, WgslnetError } from '../gpu/errors.js';
import { runtime } from '../gpu/runtime.js';
import { trackTensor, untrackTensor } from './scope.js';
import { sizeOf, type Shape } from './shape.js';

/** A GPU buffer shared by a tensor and its views. */
export class Storage {
  refs = 1;
  constructor(readonly buf: PooledBuffer) {}
}

/** What the tape keeps for a tensor an op produced: its inputs and how to send a gradient back. */
export interface GradNode {
  op: string;
  parents: readonly Tensor[];
  /** Given dL/d(out), returns dL/d(parent) for each parent (null where a parent needs none). */
  backward: (gradOut: Tensor) => (Tensor | null)[];
  /** Set once backward has run through it: the saved tensors may be gone. */
  used: boolean;
}

let nextTensorId = 1;

export class Tensor {
  readonly id = nextTensorId++;
  readonly shape: readonly number[];
  readonly size: number;
  requiresGrad: boolean;
  /** Accumulated gradient (leaf tensors that require grad). Owned by this tensor, outside any scope. */
  grad: Tensor | null = null;
  /** Set by the op that made this tensor when gradients are recorded. */
  node: GradNode | null = null;
  private storage: Storage | null;

  constructor(storage: Storage, shape: Shape, requiresGrad = false) {
    this.storage = storage;
    this.shape = Object.freeze([...shape]);
    this.size = sizeOf(shape);
    this.requiresGrad = requiresGrad;
    trackTensor(this);
  }

  get rank(): number {
    return this.shape.length;
  }

  get disposed(): boolean {
    return this.storage === null;
  }

  /** The GPU buffer, for ops. Throws (naming the op) if the tensor was disposed. */
  buffer(op: string): PooledBuffer {
    if (!this.storage) {
      throw new WgslnetError(`${op}: input tensor #${this.id} ${shapeStr(this.shape)} was disposed (by dispose() or at the end of its tidy() scope)`);
    }
    return this.storage.buf;
  }

  /** A tensor sharing this one's buffer under another shape (no copy). */
  view(shape: Shape): Tensor {
    const s = this.storage;
    if (!s) throw new WgslnetError(`reshape: tensor #${this.id} was disposed`);
    s.refs++;
    return new Tensor(s, shape, false);
  }

  /** Frees the buffer (back to the pool) unless a view still uses it. Safe to call twice. */
  dispose(): void {
    const s = this.storage;
    if (!s) return;
    this.storage = null;
    this.node = null;
    untrackTensor(this);
    if (--s.refs === 0) runtime().pool.release(s.buf);
    if (this.grad) {
      this.grad.dispose();
      this.grad = null;
    }
  }

  /** Copies the values to the CPU (waits for the GPU). */
  async toArray(): Promise<Float32Array> {
    const buf = this.buffer('toArray');
    return new Float32Array(await runtime().read(buf, this.size * 4));
  }

  /** The single value of a one-element tensor. */
  async item(): Promise<number> {
    if (this.size !== 1) throw new WgslnetError(`item: tensor ${shapeStr(this.shape)} has ${this.size} elements, not 1`);
    return (await this.toArray())[0]!;
  }

  toString(): string {
    return `Tensor#${this.id}${shapeStr(this.shape)}${this.requiresGrad ? ' requiresGrad' : ''}${this.disposed ? ' (disposed)' : ''}`;
  }
}

/** A new tensor whose buffer the caller will fill (poisoned with NaN in debug mode by ops/launch.ts). */
export function emptyTensor(shape: Shape, label: string): Tensor {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new WgslnetError(`${label}: invalid shape ${shapeStr(shape)}`);
  }
  const bytes = sizeOf(shape) * 4;
  const rt = runtime();
  if (bytes > rt.device.limits.maxStorageBufferBindingSize) {
    throw new WgslnetError(
      `${label}: a tensor of shape ${shapeStr(shape)} needs ${bytes} bytes; this device binds at most ${rt.device.limits.maxStorageBufferBindingSize} bytes per buffer`,
    );
  }
  return new Tensor(new Storage(rt.pool.acquire(bytes, label)), shape);
}
