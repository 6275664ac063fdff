// Making tensors: from data, filled, and seeded random.

import { shapeStr, WgslnetError } from '../gpu/errors.js';
import { runtime } from '../gpu/runtime.js';
import { globalRng } from '../tensor/random.js';
import { sizeOf, type Shape } from '../tensor/shape.js';
import { emptyTensor, type Tensor } from '../tensor/tensor.js';
import { fillTensor } from './launch.js';

export interface TensorOptions {
  requiresGrad?: boolean;
}

type Nested = number | readonly Nested[];

function inferShape(data: Nested): number[] {
  const shape: number[] = [];
  let d: Nested = data;
  while (Array.isArray(d)) {
    shape.push(d.length);
    d = (d as readonly Nested[])[0] ?? 0;
  }
  return shape;
}

/**
 * A tensor from values: a flat array with a shape, or nested arrays (shape inferred).
 * `tensor([[1, 2], [3, 4]])`, `tensor(new Float32Array(6), [2, 3], { requiresGrad: true })`.
 */
export function tensor(data: Nested | ArrayLike<number>, shape?: Shape, opts: TensorOptions = {}): Tensor {
  let flat: Float32Array;
  if (typeof data === 'number') {
    flat = new Float32Array([data]);
    shape ??= [];
  } else if (Array.isArray(data) && !shape) {
    shape = inferShape(data as Nested);
    flat = new Float32Array((data as unknown[]).flat(Infinity) as number[]);
  } else {
    flat = data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>);
    shape ??= [flat.length];
  }
  if (sizeOf(shape) !== flat.length) {
    throw new WgslnetError(`tensor: ${flat.length} values do not fill shape ${shapeStr(shape)} (${sizeOf(shape)} elements)`);
  }
  const t = emptyTensor(shape, 'tensor');
  if (flat.length) runtime().write(t.buffer('tensor'), flat);
  t.requiresGrad = opts.requiresGrad ?? false;
  return t;
}

export function full(shape: Shape, value: number, opts: TensorOptions = {}): Tensor {
  const t = emptyTensor(shape, 'full');
  if (t.size) fillTensor(t, value);
  t.requiresGrad = opts.requiresGrad ?? false;
  return t;
}

export const zeros = (shape: Shape, opts?: TensorOptions) => full(shape, 0, opts);
export const ones = (shape: Shape, opts?: TensorOptions) => full(shape, 1, opts);
export const zerosLike = (t: Tensor) => full(t.shape, 0);
export const onesLike = (t: Tensor) => full(t.shape, 1);

/** Uniform in [0, 1), from the seeded generator (manualSeed). */
export function rand(shape: Shape, opts: TensorOptions = {}): Tensor {
  const rng = globalRng();
  const data = new Float32Array(sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = rng.next();
  return tensor(data, shape, opts);
}

/** Standard normal, from the seeded generator (manualSeed). */
export function randn(shape: Shape, opts: TensorOptions = {}): Tensor {
  const rng = globalRng();
  const data = new Float32Array(sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  return tensor(data, shape, opts);
}
