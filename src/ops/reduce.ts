// Reductions: sum, mean, max over one axis or all of them, and sumTo (the reverse of
// broadcasting, used by every broadcasting op's backward). Any axis is read as [outer, R, inner].

import { defineKernel } from '../gpu/kernelDecl.js';
import { record } from '../tensor/autograd.js';
import { normAxis, sameShape, sizeOf, type Shape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { div, eq, mul, mulScalar } from './elementwise.js';
import { expand, reshape } from './layout.js';
import { grid1d, launch, output } from './launch.js';

const REDUCE_ROWS = defineKernel({
  file: 'reduce/reduce_rows.wgsl',
  params: { outer: 'u32', R: 'u32', scale: 'f32' },
  inputs: ['x'],
  outputs: ['y'],
  overrides: ['WG', 'OP'],
});
const REDUCE_STRIDED = defineKernel({
  file: 'reduce/reduce_strided.wgsl',
  params: { outer: 'u32', R: 'u32', inner: 'u32', scale: 'f32' },
  inputs: ['x'],
  outputs: ['y'],
  overrides: ['WG', 'OP'],
});

type ReduceOp = 'sum' | 'max';

/** Reduces x viewed as [outer, R, inner] over R. No tape. */
function reduceKernel(op: ReduceOp, x: Tensor, outer: number, R: number, inner: number, scale: number, outShape: Shape): Tensor {
  const name = op === 'sum' && scale !== 1 ? 'mean' : op;
  const y = output(outShape, name);
  if (y.size === 0) return y;
  const OP = op === 'sum' ? 0 : 1;
  if (inner === 1) {
    const [gx, gy] = grid1d(outer, 1);
    launch(name, REDUCE_ROWS, { params: { outer, R, scale }, inputs: [x], outputs: [y], workgroups: [gx, gy], overrides: { OP } });
  } else {
    launch(name, REDUCE_STRIDED, { params: { outer, R, inner, scale }, inputs: [x], outputs: [y], workgroups: grid1d(outer * inner), overrides: { OP } });
  }
  return y;
}

interface AxisView {
  outer: number;
  R: number;
  inner: number;
  /** Output shape with the axis kept as 1 (for broadcasting back in the backward). */
  keptShape: number[];
  outShape: number[];
}

function axisView(op: string, shape: Shape, axis: number | undefined, keepDim: boolean): AxisView {
  if (axis === undefined) {
    const keptShape = shape.map(() => 1);
    return { outer: 1, R: sizeOf(shape), inner: 1, keptShape, outShape: keepDim ? keptShape : [] };
  }
  const a = normAxis(op, axis, shape.length);
  const keptShape = shape.map((d, i) => (i === a ? 1 : d));
  return {
    outer: sizeOf(shape.slice(0, a)),
    R: shape[a]!,
    inner: sizeOf(shape.slice(a + 1)),
    keptShape,
    outShape: keepDim ? keptShape : shape.filter((_, i) => i !== a),
  };
}

/** Sum over `axis` (all elements when omitted). */
export function sum(x: Tensor, axis?: number, keepDim = false): Tensor {
  const v = axisView('sum', x.shape, axis, keepDim);
  const y = reduceKernel('sum', x, v.outer, v.R, v.inner, 1, v.outShape);
  return record(y, 'sum', [x], (g) => [expand(reshape(g, v.keptShape), x.shape)]);
}

/** Mean over `axis` (all elements when omitted). */
export function mean(x: Tensor, axis?: number, keepDim = false): Tensor {
  const v = axisView('mean', x.shape, axis, keepDim);
  const y = reduceKernel('sum', x, v.outer, v.R, v.inner, 1 / v.R, v.outShape);
  return record(y, 'mean', [x], (g) => [mulScalar(expand(reshape(g, v.keptShape), x.shape), 1 / v.R)]);
}

/**
 * Max over `axis` (all elements when omitted). The gradient goes to the maximal elements, shared
 * equally among ties (like torch.amax).
 */
export function max(x: Tensor, axis?: number, keepDim = false): Tensor {
  const v = axisView('max', x.shape, axis, keepDim);
  const y = reduceKernel('max', x, v.outer, v.R, v.inner, 1, v.outShape);
  return record(y, 'max', [x], (g) => {
    const mask = eq(x, reshape(y, v.keptShape));
    const count = sum(mask, axis, true);
    return [mul(mask, div(reshape(g, v.keptShape), count))];
  });
}

/**
 * Sums g down to `shape` — undoing a broadcast: leading dims g has and shape lacks are summed away,
 * and dims where shape has 1 are summed with the dim kept. Returns g itself when shapes agree.
 */
export function sumTo(g: Tensor, shape: Shape): Tensor {
  if (sameShape(g.shape, shape)) return g;
  let t = g;
  const lead = g.shape.length - shape.length;
  for (let i = 0; i < lead; i++) t = sum(t, 0);
  for (let i = 0; i < shape.length; i++) {
    if (shape[i] === 1 && t.shape[i] !== 1) t = sum(t, i, true);
  }
  return sameShape(t.shape, shape) ? t : reshape(t, shape);
}
