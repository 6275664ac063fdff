// Batched matmul: C[..., M, N] = A[..., M, K] · B[..., K, N], with either operand read transposed
// in place (no copy). Four kernels, each tested against the others:
//   naive    — the specification (matmul_naive.wgsl);
//   tiled    — workgroup-memory tiles + register blocking + vec4: the fast kernel on GPUs;
//   rowblock — register blocking with uniform A loads and vec4 B loads: the previous CPU kernel;
//   panel    — B packed into uniform panels, A shared by subgroup broadcast, straight-line code
//              generated per subgroup width (cpu/panelMatmul.ts): the fast kernel on CPU drivers
//              (lavapipe, SwiftShader).
// 'auto' (the default) picks panel on a CPU adapter with fixed-size subgroups, else rowblock on
// a software adapter, and tiled on a GPU.

import { shapeStr, WgslnetError } from '../gpu/errors.js';
import { defineKernel } from '../gpu/kernelDecl.js';
import { noGrad, record } from '../tensor/autograd.js';
import { broadcastShapes, sizeOf } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { launch, output } from './launch.js';
import { sumTo } from './reduce.js';
import { reshape, transpose } from './layout.js';
import { runtime } from '../gpu/runtime.js';
import { panelIsDefault } from './cpu/family.js';
import { panelMatmul, rowMajor } from './cpu/panelMatmul.js';
import { fillTensor } from './launch.js';

/** The one contract all three kernels share (see matmul_naive.wgsl). */
const MATMUL_PARAMS = { M: 'u32', N: 'u32', K: 'u32', aBatchStride: 'u32', bBatchStride: 'u32' } as const;

const MATMUL_NAIVE = defineKernel({
  file: 'matmul/matmul_naive.wgsl',
  params: MATMUL_PARAMS,
  inputs: ['a', 'b'],
  outputs: ['c'],
  overrides: ['TRANS_A', 'TRANS_B'],
});
const MATMUL_ROWBLOCK = defineKernel({
  file: 'matmul/matmul_rowblock.wgsl',
  params: MATMUL_PARAMS,
  inputs: ['a', 'b'],
  outputs: ['c'],
  overrides: ['TRANS_A'],
});
const MATMUL_TILED = defineKernel({
  file: 'matmul/matmul_tiled.wgsl',
  params: MATMUL_PARAMS,
  inputs: ['a', 'b'],
  outputs: ['c'],
  overrides: ['TRANS_A', 'TRANS_B'],
});

export type MatmulImpl = 'naive' | 'tiled' | 'rowblock' | 'panel' | 'auto';
let defaultImpl: MatmulImpl = 'auto';

export function setMatmulImpl(impl: MatmulImpl): void {
  defaultImpl = impl;
}

export interface MatmulOptions {
  transA?: boolean;
  transB?: boolean;
  impl?: MatmulImpl;
}

/** Output tile of one tiled workgroup (must match matmul_tiled.wgsl: 16×16 invocations, 4×4 each). */
const TILE = 64;

/** The dispatch, without the tape. */
function matmulKernel(a: Tensor, b: Tensor, transA: boolean, transB: boolean, impl: MatmulImpl, strict = true): Tensor {
  if (a.rank < 2 || b.rank < 2) throw new WgslnetError(`matmul: operands must have rank ≥ 2, got ${shapeStr(a.shape)} and ${shapeStr(b.shape)}`);
  const [ar, ac] = a.shape.slice(-2) as [number, number];
  const [br, bc] = b.shape.slice(-2) as [number, number];
  const [M, K] = transA ? [ac, ar] : [ar, ac];
  const [K2, N] = transB ? [bc, br] : [br, bc];
  if (K !== K2) {
    throw new WgslnetError(
      `matmul: inner dimensions differ: ${shapeStr(a.shape)}${transA ? 'ᵀ' : ''} · ${shapeStr(b.shape)}${transB ? 'ᵀ' : ''} (${K} vs ${K2})`,
    );
  }
  const aBatch = a.shape.slice(0, -2);
  const bBatch = b.shape.slice(0, -2);
  const batchShape = broadcastShapes('matmul', aBatch, bBatch);
  const batch = sizeOf(batchShape);
  // A batch is either the full batch or a single matrix reused for every batch entry.
  const stride = (own: readonly number[], size: number, what: string) => {
    const n = sizeOf(own);
    if (n === batch) return size;
    if (n === 1) return 0;
    throw new WgslnetError(`matmul: batch dims of ${what} ${shapeStr(own)} must equal ${shapeStr(batchShape)} or be all 1`);
  };
  const params = { M, N, K, aBatchStride: stride(aBatch, M * K, 'A'), bBatchStride: stride(bBatch, K * N, 'B') };
  const c = output([...batchShape, M, N], 'matmul');
  if (c.size === 0) return c;
  const overrides = { TRANS_A: transA ? 1 : 0, TRANS_B: transB ? 1 : 0 };
  const flops = 2 * M * N * K * batch;
  const chosen = impl === 'auto' ? autoImpl(N) : impl === 'rowblock' && !strict && N % 4 !== 0 ? 'tiled' : impl;
  if (K === 0) {
    fillTensor(c, 0);
  } else if (chosen === 'panel') {
    const A = rowMajor(a, ac, params.aBatchStride, transA);
    const B = rowMajor(b, bc, params.bBatchStride, transB);
    panelMatmul('matmul', A, B, M, N, K, batch, c);
  } else if (chosen === 'rowblock') {
    if (N % 4 !== 0) throw new WgslnetError(`matmul: the rowblock kernel needs N % 4 == 0 (N = ${N}); use impl 'tiled' or 'auto'`);
    // It reads B as vec4 rows of [K, N]: a B to be read transposed is copied into that layout first
    // (K·N elements, small next to the M·N·K multiply-adds).
    const bRows = transB ? noGrad(() => transpose(b)) : b;
    launch('matmul', MATMUL_ROWBLOCK, {
      params,
      inputs: [a, bRows],
      outputs: [c],
      workgroups: [Math.ceil(N / 32), Math.ceil(M / 8), batch],
      overrides: { TRANS_A: overrides.TRANS_A },
      flops,
    });
    if (bRows !== b) bRows.dispose();
  } else if (chosen === 'naive') {
    launch('matmul', MATMUL_NAIVE, { params, inputs: [a, b], outputs: [c], workgroups: [Math.ceil(N / 8), Math.ceil(M / 8), batch], overrides, flops });
  } else {
    launch('matmul', MATMUL_TILED, { params, inputs: [a, b], outputs: [c], workgroups: [Math.ceil(N / TILE), Math.ceil(M / TILE), batch], overrides, flops });
  }
  return c;
}

function autoImpl(N: number): 'panel' | 'rowblock' | 'tiled' {
  if (panelIsDefault()) return 'panel';
  return runtime().adapter.software && N % 4 === 0 ? 'rowblock' : 'tiled';
}

/**
 * Matrix product over the last two dims, batched over the leading ones (a single matrix on either
 * side broadcasts over the other's batch). transA/transB read an operand as its transpose.
 */
export function matmul(a: Tensor, b: Tensor, opts: MatmulOptions = {}): Tensor {
  const transA = opts.transA ?? false;
  const transB = opts.transB ?? false;
  const impl = opts.impl ?? defaultImpl;
  const c = matmulKernel(a, b, transA, transB, impl);
  return record(c, 'matmul', [a, b], (g) => {
    // With C = op(A)·op(B): dA = g·op(B)ᵀ, dB = op(A)ᵀ·g, each written in A's (B's) stored layout.
    // (Not strict: where rowblock cannot run a gradient's shape, the tiled kernel does.)
    let da: Tensor | null = null;
    let db: Tensor | null = null;
    if (a.requiresGrad) {
      da = transA ? matmulKernel(b, g, transB, true, impl, false) : matmulKernel(g, b, false, !transB, impl, false);
      da = reduceBatch(da, a.shape);
    }
    if (b.requiresGrad) {
      db = transB ? matmulKernel(g, a, true, transA, impl, false) : matmulKernel(a, g, !transA, false, impl, false);
      db = reduceBatch(db, b.shape);
    }
    return [da, db];
  });
}

/** A gradient computed per batch entry, summed back to an operand that was broadcast over the batch. */
function reduceBatch(g: Tensor, shape: readonly number[]): Tensor {
  if (g.size === sizeOf(shape)) return reshape(g, shape);
  return sumTo(g, shape);
}
