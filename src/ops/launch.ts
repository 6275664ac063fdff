// The bridge from ops to the runtime: allocate outputs (poisoned with NaN in debug mode, so a kernel
// that skips an element fails its test), compute grids, and dispatch with tensors instead of buffers.

import { defineKernel, type KernelDecl } from '../gpu/kernelDecl.js';
import type { Overrides } from '../gpu/kernel.js';
import { runtime } from '../gpu/runtime.js';
import type { Shape } from '../tensor/shape.js';
import { emptyTensor, type Tensor } from '../tensor/tensor.js';

export const FILL = defineKernel({
  file: 'elementwise/fill.wgsl',
  params: { n: 'u32', value: 'f32' },
  inputs: [],
  outputs: ['y'],
  overrides: ['WG'],
});

const MAX_GROUPS = 65535;

/** Workgroup counts for n invocations of a 1-D kernel, folded into 2-D when n/wg exceeds 65535. */
export function grid1d(n: number, wg = 256): [number, number] {
  const groups = Math.ceil(n / wg);
  if (groups <= MAX_GROUPS) return [groups, 1];
  return [MAX_GROUPS, Math.ceil(groups / MAX_GROUPS)];
}

export function fillTensor(t: Tensor, value: number): void {
  launch('fill', FILL, { params: { n: t.size, value }, inputs: [], outputs: [t], workgroups: grid1d(t.size) });
}

/** A fresh output tensor for `op`; NaN-filled first when debug.poisonOutputs is on. */
export function output(shape: Shape, op: string): Tensor {
  const t = emptyTensor(shape, op);
  if (runtime().debug.poisonOutputs && t.size > 0) fillTensor(t, NaN);
  return t;
}

export interface LaunchArgs {
  params?: Readonly<Record<string, number | readonly number[]>>;
  inputs: readonly Tensor[];
  outputs: readonly Tensor[];
  workgroups: readonly [number, number?, number?];
  overrides?: Overrides;
  /** Windows of tensors bound as var<uniform> (the kernel's `uniforms`), at byte offsets. */
  uniforms?: readonly { t: Tensor; offset: number }[];
  /** Useful FLOPs of this dispatch (profiles show GFLOP/s); 0 when omitted. */
  flops?: number;
  /** Bytes it must move; by default the sizes of its input and output tensors. */
  bytes?: number;
}

export function launch(op: string, kernel: KernelDecl, a: LaunchArgs): void {
  runtime().dispatch({
    op,
    kernel,
    params: a.params,
    inputs: a.inputs.map((t) => t.buffer(op)),
    outputs: a.outputs.map((t) => t.buffer(op)),
    workgroups: a.workgroups,
    overrides: a.overrides,
    uniforms: a.uniforms?.map((w) => ({ buf: w.t.buffer(op), offset: w.offset })),
    cost: { flops: a.flops ?? 0, bytes: a.bytes ?? 4 * [...a.inputs, ...a.outputs].reduce((n, t) => n + t.size, 0) },
  });
}

/** Packs up to 8 dims into the array<vec4<u32>, 2> layout the strided kernels read. */
export function dims8(values: readonly number[]): number[] {
  const out = new Array<number>(8).fill(0);
  values.forEach((v, i) => (out[i] = v));
  return out;
}
