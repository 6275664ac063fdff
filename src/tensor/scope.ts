// Tensor lifetimes. Like tfjs's tidy(): every tensor created inside tidy(fn) is disposed when fn
// returns, except what fn returns and what keep() marks. Parameters and their .grad live outside
// any scope. memory() reports the live counts, so a test can assert that a training step leaks
// nothing: run it many times and the numbers must not grow.

import type { Tensor } from './tensor.js';
import { runtime } from '../gpu/runtime.js';

const live = new Set<Tensor>();
const scopes: Set<Tensor>[] = [];

export function trackTensor(t: Tensor): void {
  live.add(t);
  scopes[scopes.length - 1]?.add(t);
}

export function untrackTensor(t: Tensor): void {
  live.delete(t);
  for (const s of scopes) s.delete(t);
}

/** Removes `t` from every enclosing scope: it survives until disposed by hand. */
export function keep<T extends Tensor>(t: T): T {
  for (const s of scopes) s.delete(t);
  return t;
}

type Kept = Tensor | Tensor[] | Record<string, Tensor> | number | void | undefined | null;

/**
 * Runs fn and disposes every tensor it created, except those it returns (a tensor, an array or a
 * plain object of tensors) and those passed to keep(). fn must be synchronous: GPU work is
 * recorded, not awaited, so a whole training step fits in one tidy().
 */
export function tidy<T extends Kept>(fn: () => T): T {
  const scope = new Set<Tensor>();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
    if (result && typeof (result as { then?: unknown }).then === 'function') {
      throw new Error('tidy(fn): fn returned a Promise; tidy only takes synchronous functions');
    }
  } finally {
    scopes.pop();
  }
  const survivors = new Set<Tensor>(collect(result));
  for (const t of scope) {
    if (survivors.has(t)) scopes[scopes.length - 1]?.add(t);
    else t.dispose();
  }
  return result;
}

function collect(r: Kept): Tensor[] {
  if (!r || typeof r !== 'object') return [];
  if (Array.isArray(r)) return r;
  if ('shape' in r && 'dispose' in r) return [r as Tensor];
  return Object.values(r);
}

export interface MemoryInfo {
  /** Tensors not yet disposed. */
  tensors: number;
  /** GPU buffers the pool holds (in use or free): this is what a leak makes grow. */
  buffers: number;
  bytes: number;
  /** Buffers and bytes held by live tensors right now. */
  buffersInUse: number;
  bytesInUse: number;
  peakBytesInUse: number;
}

export function memory(): MemoryInfo {
  const p = runtime().pool;
  return {
    tensors: live.size,
    buffers: p.created,
    bytes: p.createdBytes,
    buffersInUse: p.inUse,
    bytesInUse: p.inUseBytes,
    peakBytesInUse: p.peakInUseBytes,
  };
}
