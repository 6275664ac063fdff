// Layout ops: reshape (a view, no copy), and the copies through strided_copy.wgsl — permute /
// transpose, expand (broadcast to a larger shape), clone.

import { shapeStr, WgslnetError } from '../gpu/errors.js';
import { defineKernel } from '../gpu/kernelDecl.js';
import { record } from '../tensor/autograd.js';
import { broadcastStrides, collapseDims, contiguousStrides, normAxis, sameShape, sizeOf, type Shape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { zeros } from './creation.js';
import { dims8, grid1d, launch, output } from './launch.js';
import { sumTo } from './reduce.js';

const STRIDED_COPY = defineKernel({
  file: 'elementwise/strided_copy.wgsl',
  params: { n: 'u32', rank: 'u32', shape: 'array<vec4<u32>, 2>', xStrides: 'array<vec4<u32>, 2>' },
  inputs: ['x'],
  outputs: ['y'],
  overrides: ['WG'],
});

const SLICE_COPY = defineKernel({
  file: 'elementwise/slice_copy.wgsl',
  params: { n: 'u32', A: 'u32', inner: 'u32', total: 'u32', start: 'u32' },
  inputs: ['src'],
  outputs: ['dst'],
  overrides: ['WG', 'TO_BIG'],
});

/** Copies x, read through `strides`, into a new contiguous tensor of `shape`. No tape. */
function stridedCopy(op: string, x: Tensor, shape: Shape, strides: number[]): Tensor {
  const y = output(shape, op);
  if (y.size === 0) return y;
  const c = collapseDims(shape, [strides]);
  if (c.shape.length > 8) throw new WgslnetError(`${op}: rank ${c.shape.length} after merging dims; at most 8 supported`);
  launch(op, STRIDED_COPY, {
    params: { n: y.size, rank: c.shape.length, shape: dims8(c.shape), xStrides: dims8(c.strides[0]!) },
    inputs: [x],
    outputs: [y],
    workgroups: grid1d(y.size),
  });
  return y;
}

/** Same data, new shape (one dim may be −1). Shares the buffer. */
export function reshape(x: Tensor, shape: Shape): Tensor {
  const known = shape.filter((d) => d !== -1);
  const inferred = shape.length - known.length;
  if (inferred > 1) throw new WgslnetError(`reshape: at most one −1 allowed in ${shapeStr(shape)}`);
  const resolved = inferred ? shape.map((d) => (d === -1 ? x.size / sizeOf(known) : d)) : [...shape];
  if (sizeOf(resolved) !== x.size || resolved.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new WgslnetError(`reshape: cannot view ${shapeStr(x.shape)} (${x.size} elements) as ${shapeStr(shape)}`);
  }
  if (sameShape(resolved, x.shape)) return x;
  const y = x.view(resolved);
  return record(y, 'reshape', [x], (g) => [reshape(g, x.shape)]);
}

/** torch.flatten: dims startDim…endDim merged into one (all of them by default; a view, no copy). */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.rank === 0) return reshape(x, [1]);
  const s = normAxis('flatten', startDim, x.rank);
  const e = normAxis('flatten', endDim, x.rank);
  if (s > e) throw new WgslnetError(`flatten: startDim ${startDim} comes after endDim ${endDim} for a tensor of rank ${x.rank}`);
  return reshape(x, [...x.shape.slice(0, s), sizeOf(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)]);
}

/** Reorders dims: y.shape[i] = x.shape[dims[i]]. Copies. */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  if (dims.length !== x.rank || new Set(dims.map((d) => normAxis('permute', d, x.rank))).size !== x.rank) {
    throw new WgslnetError(`permute: [${dims.join(', ')}] is not a permutation of the ${x.rank} dims of ${shapeStr(x.shape)}`);
  }
  const d = dims.map((v) => normAxis('permute', v, x.rank));
  const xs = contiguousStrides(x.shape);
  const y = stridedCopy('permute', x, d.map((i) => x.shape[i]!), d.map((i) => xs[i]!));
  const inverse = new Array<number>(d.length);
  d.forEach((v, i) => (inverse[v] = i));
  return record(y, 'permute', [x], (g) => [permute(g, inverse)]);
}

/** Swaps two dims (default: the last two). Copies. */
export function transpose(x: Tensor, dim0 = -2, dim1 = -1): Tensor {
  const a = normAxis('transpose', dim0, x.rank);
  const b = normAxis('transpose', dim1, x.rank);
  const dims = x.shape.map((_, i) => (i === a ? b : i === b ? a : i));
  return permute(x, dims);
}

/** Broadcasts x to `shape` (NumPy rules). Copies. */
export function expand(x: Tensor, shape: Shape): Tensor {
  if (sameShape(x.shape, shape)) return x;
  const ok = shape.length >= x.rank && x.shape.every((d, i) => d === 1 || d === shape[shape.length - x.rank + i]);
  if (!ok) throw new WgslnetError(`expand: cannot broadcast ${shapeStr(x.shape)} to ${shapeStr(shape)}`);
  const y = stridedCopy('expand', x, shape, broadcastStrides(x.shape, shape));
  return record(y, 'expand', [x], (g) => [sumTo(g, x.shape)]);
}

/** A copy with its own buffer. */
export function clone(x: Tensor): Tensor {
  const y = stridedCopy('clone', x, x.shape, contiguousStrides(x.shape));
  return record(y, 'clone', [x], (g) => [g]);
}

/**
 * Copies src into dst's own buffer, in place (like tf.Variable.assign or torch's copy_): how a
 * parameter takes its updated value without a new tensor. Not recorded on the tape.
 */
export function assign(dst: Tensor, src: Tensor): Tensor {
  if (!sameShape(dst.shape, src.shape)) throw new WgslnetError(`assign: source ${shapeStr(src.shape)} does not match destination ${shapeStr(dst.shape)}`);
  if (dst.size === 0) return dst;
  launch('assign', STRIDED_COPY, {
    params: { n: dst.size, rank: 1, shape: dims8([dst.size]), xStrides: dims8([1]) },
    inputs: [src],
    outputs: [dst],
    workgroups: grid1d(dst.size),
  });
  return dst;
}

/** Concatenates along `axis` (torch.cat). Shapes must agree on every other dim. */
export function cat(tensors: readonly Tensor[], axis = 0): Tensor {
  if (!tensors.length) throw new WgslnetError('cat: needs at least one tensor');
  const first = tensors[0]!;
  const ax = normAxis('cat', axis, first.rank);
  for (const t of tensors) {
    if (t.rank !== first.rank || t.shape.some((d, i) => i !== ax && d !== first.shape[i])) {
      throw new WgslnetError(`cat: ${shapeStr(t.shape)} does not match ${shapeStr(first.shape)} outside axis ${ax}`);
    }
  }
  const total = tensors.reduce((s, t) => s + t.shape[ax]!, 0);
  const shape = first.shape.map((d, i) => (i === ax ? total : d));
  const y = output(shape, 'cat');
  const inner = sizeOf(first.shape.slice(ax + 1));
  let start = 0;
  const starts: number[] = [];
  for (const t of tensors) {
    starts.push(start);
    const A = t.shape[ax]!;
    if (t.size) launch('cat', SLICE_COPY, { params: { n: t.size, A, inner, total, start }, inputs: [t], outputs: [y], workgroups: grid1d(t.size), overrides: { TO_BIG: 1 } });
    start += A;
  }
  return record(y, 'cat', tensors, (g) => tensors.map((t, k) => (t.requiresGrad ? narrow(g, ax, starts[k]!, t.shape[ax]!) : null)));
}

/** The slice [start, start + length) along `axis`, as a new tensor (torch.narrow, copied). */
export function narrow(x: Tensor, axis: number, start: number, length: number): Tensor {
  const ax = normAxis('narrow', axis, x.rank);
  const total = x.shape[ax]!;
  if (start < 0 || length < 0 || start + length > total) throw new WgslnetError(`narrow: [${start}, ${start + length}) is outside axis ${ax} of ${shapeStr(x.shape)}`);
  const shape = x.shape.map((d, i) => (i === ax ? length : d));
  const y = output(shape, 'narrow');
  const inner = sizeOf(x.shape.slice(ax + 1));
  if (y.size) launch('narrow', SLICE_COPY, { params: { n: y.size, A: length, inner, total, start }, inputs: [x], outputs: [y], workgroups: grid1d(y.size), overrides: { TO_BIG: 0 } });
  return record(y, 'narrow', [x], (g) => {
    // The gradient is g placed into zeros of x's shape: a cat of zeros, g, zeros along the axis.
    const parts: Tensor[] = [];
    const zerosOf = (n: number) => zeros(x.shape.map((d, i) => (i === ax ? n : d)));
    if (start) parts.push(zerosOf(start));
    parts.push(g);
    if (total - start - length) parts.push(zerosOf(total - start - length));
    return [parts.length === 1 ? g : cat(parts, ax)];
  });
}
