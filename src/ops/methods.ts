// The Tensor methods (t.add(u), t.matmul(w), loss.backward() …), attached here so that tensor.ts
// stays free of kernels and the ops can import Tensor without a cycle.

import { backward, tapeOps } from '../tensor/autograd.js';
import { Tensor } from '../tensor/tensor.js';
import { full } from './creation.js';
import { add, addAny, divAny, exp, log, mulAny, neg, relu, sqrt, subAny } from './elementwise.js';
import { assign, clone, expand, flatten, permute, reshape, transpose } from './layout.js';
import { logSoftmax } from './loss.js';
import { matmul, type MatmulOptions } from './matmul.js';
import { max, mean, sum } from './reduce.js';
import type { Shape } from '../tensor/shape.js';

declare module '../tensor/tensor.js' {
  interface Tensor {
    add(other: Tensor | number): Tensor;
    sub(other: Tensor | number): Tensor;
    mul(other: Tensor | number): Tensor;
    div(other: Tensor | number): Tensor;
    neg(): Tensor;
    relu(): Tensor;
    exp(): Tensor;
    log(): Tensor;
    sqrt(): Tensor;
    sum(axis?: number, keepDim?: boolean): Tensor;
    mean(axis?: number, keepDim?: boolean): Tensor;
    max(axis?: number, keepDim?: boolean): Tensor;
    matmul(other: Tensor, opts?: MatmulOptions): Tensor;
    reshape(shape: Shape): Tensor;
    /** torch.flatten: dims startDim…endDim (default all) merged into one. */
    flatten(startDim?: number, endDim?: number): Tensor;
    permute(dims: readonly number[]): Tensor;
    transpose(dim0?: number, dim1?: number): Tensor;
    expand(shape: Shape): Tensor;
    clone(): Tensor;
    /** Overwrites this tensor's values with src's, in place (no new buffer, not recorded). */
    assign(src: Tensor): Tensor;
    logSoftmax(axis?: number): Tensor;
    /** Back-propagates from this tensor (a scalar loss, or pass dL/d(this)). */
    backward(gradient?: Tensor): void;
    /** A view sharing the buffer with no tape node (like torch.Tensor.detach). */
    detach(): Tensor;
  }
}

const P = Tensor.prototype;
P.add = function (o) { return addAny(this, o); };
P.sub = function (o) { return subAny(this, o); };
P.mul = function (o) { return mulAny(this, o); };
P.div = function (o) { return divAny(this, o); };
P.neg = function () { return neg(this); };
P.relu = function () { return relu(this); };
P.exp = function () { return exp(this); };
P.log = function () { return log(this); };
P.sqrt = function () { return sqrt(this); };
P.sum = function (axis, keepDim) { return sum(this, axis, keepDim); };
P.mean = function (axis, keepDim) { return mean(this, axis, keepDim); };
P.max = function (axis, keepDim) { return max(this, axis, keepDim); };
P.matmul = function (o, opts) { return matmul(this, o, opts); };
P.reshape = function (shape) { return reshape(this, shape); };
P.flatten = function (startDim, endDim) { return flatten(this, startDim, endDim); };
P.permute = function (dims) { return permute(this, dims); };
P.transpose = function (d0, d1) { return transpose(this, d0, d1); };
P.expand = function (shape) { return expand(this, shape); };
P.clone = function () { return clone(this); };
P.assign = function (src) { return assign(this, src); };
P.logSoftmax = function (axis) { return logSoftmax(this, axis); };
P.backward = function (gradient) { backward(this, gradient); };
P.detach = function () { return this.view(this.shape); };

tapeOps.onesLike = (t) => full(t.shape, 1);
tapeOps.add = add;
tapeOps.clone = clone;
