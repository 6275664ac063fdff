// Elementwise ops: broadcasting binary (add, sub, mul, div), scalar (scale-shift), unary
// (relu, exp, log, neg, sqrt). Each forward records a backward that reuses these same ops.

import { WgslnetError } from '../gpu/errors.js';
import { defineKernel } from '../gpu/kernelDecl.js';
import { record } from '../tensor/autograd.js';
import { broadcastShapes, broadcastStrides, collapseDims } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { dims8, grid1d, launch, output } from './launch.js';
import { sumTo } from './reduce.js';

const BINARY = defineKernel({
  file: 'elementwise/binary.wgsl',
  params: { n: 'u32', rank: 'u32', shape: 'array<vec4<u32>, 2>', aStrides: 'array<vec4<u32>, 2>', bStrides: 'array<vec4<u32>, 2>' },
  inputs: ['a', 'b'],
  outputs: ['y'],
  overrides: ['WG', 'OP'],
});
const UNARY = defineKernel({ file: 'elementwise/unary.wgsl', params: { n: 'u32' }, inputs: ['x'], outputs: ['y'], overrides: ['WG', 'OP'] });
const SCALE_SHIFT = defineKernel({
  file: 'elementwise/scale_shift.wgsl',
  params: { n: 'u32', scale: 'f32', shift: 'f32' },
  inputs: ['x'],
  outputs: ['y'],
  overrides: ['WG'],
});
const RELU_BACKWARD = defineKernel({ file: 'elementwise/relu_backward.wgsl', params: { n: 'u32' }, inputs: ['y', 'dy'], outputs: ['dx'], overrides: ['WG'] });

const BINARY_OP = { add: 0, sub: 1, mul: 2, div: 3, eq: 4, addRelu: 5 } as const;
type BinaryOp = keyof typeof BINARY_OP;

/** The forward of every binary op: broadcast shapes, collapse dims, one dispatch. No tape. */
function binaryKernel(op: BinaryOp, a: Tensor, b: Tensor): Tensor {
  const shape = broadcastShapes(op, a.shape, b.shape);
  const y = output(shape, op);
  if (y.size === 0) return y;
  const c = collapseDims(shape, [broadcastStrides(a.shape, shape), broadcastStrides(b.shape, shape)]);
  if (c.shape.length > 8) throw new WgslnetError(`${op}: broadcasting supports rank ≤ 8 after merging dims, got ${c.shape.length}`);
  launch(op, BINARY, {
    params: { n: y.size, rank: c.shape.length, shape: dims8(c.shape), aStrides: dims8(c.strides[0]!), bStrides: dims8(c.strides[1]!) },
    inputs: [a, b],
    outputs: [y],
    workgroups: grid1d(y.size),
    overrides: { OP: BINARY_OP[op] },
  });
  return y;
}

export function add(a: Tensor, b: Tensor): Tensor {
  const y = binaryKernel('add', a, b);
  return record(y, 'add', [a, b], (g) => [sumTo(g, a.shape), sumTo(g, b.shape)]);
}

export function sub(a: Tensor, b: Tensor): Tensor {
  const y = binaryKernel('sub', a, b);
  return record(y, 'sub', [a, b], (g) => [sumTo(g, a.shape), b.requiresGrad ? sumTo(neg(g), b.shape) : null]);
}

export function mul(a: Tensor, b: Tensor): Tensor {
  const y = binaryKernel('mul', a, b);
  return record(y, 'mul', [a, b], (g) => [
    a.requiresGrad ? sumTo(mul(g, b), a.shape) : null,
    b.requiresGrad ? sumTo(mul(g, a), b.shape) : null,
  ]);
}

export function div(a: Tensor, b: Tensor): Tensor {
  const y = binaryKernel('div', a, b);
  // d(a/b)/da = 1/b;  d(a/b)/db = −a/b² = −y/b
  return record(y, 'div', [a, b], (g) => [
    a.requiresGrad ? sumTo(div(g, b), a.shape) : null,
    b.requiresGrad ? sumTo(neg(div(mul(g, y), b)), b.shape) : null,
  ]);
}

/**
 * relu(a + b) in one pass: the end of every ResNet block (residual add, then ReLU). The backward
 * masks the gradient by y > 0 once and hands it to both inputs.
 */
export function addRelu(a: Tensor, b: Tensor): Tensor {
  const y = binaryKernel('addRelu', a, b);
  return record(y, 'addRelu', [a, b], (g) => {
    const masked = reluBackward(y, g);
    return [sumTo(masked, a.shape), sumTo(masked, b.shape)];
  });
}

/** 1 where a == b, else 0 (broadcasting). Not differentiable. */
export function eq(a: Tensor, b: Tensor): Tensor {
  return binaryKernel('eq', a, b);
}

/** y = x · scale + shift, the kernel behind every tensor-with-number op. */
export function scaleShift(x: Tensor, scale: number, shift: number, op = 'scaleShift'): Tensor {
  const y = output(x.shape, op);
  if (y.size > 0) launch(op, SCALE_SHIFT, { params: { n: x.size, scale, shift }, inputs: [x], outputs: [y], workgroups: grid1d(x.size) });
  return record(y, op, [x], (g) => [scale === 1 ? g : scaleShift(g, scale, 0, `${op} backward`)]);
}

export const addScalar = (x: Tensor, s: number) => scaleShift(x, 1, s, 'add');
export const subScalar = (x: Tensor, s: number) => scaleShift(x, 1, -s, 'sub');
export const mulScalar = (x: Tensor, s: number) => scaleShift(x, s, 0, 'mul');
export const divScalar = (x: Tensor, s: number) => scaleShift(x, 1 / s, 0, 'div');
/** s − x */
export const rsubScalar = (x: Tensor, s: number) => scaleShift(x, -1, s, 'rsub');

const UNARY_OP = { relu: 0, exp: 1, log: 2, neg: 3, sqrt: 4 } as const;

function unaryKernel(op: keyof typeof UNARY_OP, x: Tensor): Tensor {
  const y = output(x.shape, op);
  if (y.size > 0) launch(op, UNARY, { params: { n: x.size }, inputs: [x], outputs: [y], workgroups: grid1d(x.size), overrides: { OP: UNARY_OP[op] } });
  return y;
}

export function relu(x: Tensor): Tensor {
  const y = unaryKernel('relu', x);
  return record(y, 'relu', [x], (g) => [reluBackward(y, g)]);
}

/** dx = dy where y > 0, else 0. Exported for fused ops that save y themselves. */
export function reluBackward(y: Tensor, dy: Tensor): Tensor {
  const dx = output(y.shape, 'relu backward');
  if (dx.size > 0) launch('relu backward', RELU_BACKWARD, { params: { n: y.size }, inputs: [y, dy], outputs: [dx], workgroups: grid1d(y.size) });
  return dx;
}

export function exp(x: Tensor): Tensor {
  const y = unaryKernel('exp', x);
  return record(y, 'exp', [x], (g) => [mul(g, y)]);
}

export function log(x: Tensor): Tensor {
  const y = unaryKernel('log', x);
  return record(y, 'log', [x], (g) => [div(g, x)]);
}

export function neg(x: Tensor): Tensor {
  const y = unaryKernel('neg', x);
  return record(y, 'neg', [x], (g) => [neg(g)]);
}

export function sqrt(x: Tensor): Tensor {
  const y = unaryKernel('sqrt', x);
  // d sqrt(x)/dx = 1 / (2 sqrt(x))
  return record(y, 'sqrt', [x], (g) => [div(g, mulScalar(y, 2))]);
}

/** Tensor-or-number dispatch for the methods (a.add(b) with b a Tensor or a number). */
export function addAny(a: Tensor, b: Tensor | number): Tensor {
  return typeof b === 'number' ? addScalar(a, b) : add(a, b);
}
export function subAny(a: Tensor, b: Tensor | number): Tensor {
  return typeof b === 'number' ? subScalar(a, b) : sub(a, b);
}
export function mulAny(a: Tensor, b: Tensor | number): Tensor {
  return typeof b === 'number' ? mulScalar(a, b) : mul(a, b);
}
export function divAny(a: Tensor, b: Tensor | number): Tensor {
  return typeof b === 'number' ? divScalar(a, b) : div(a, b);
}

