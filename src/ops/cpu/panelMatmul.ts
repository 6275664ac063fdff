// matmul on CPU adapters (version 4): B packed into 64 KiB uniform panels on the GPU
// (pack_panels.wgsl), then matmul_panel_w{4,8}.wgsl once per (panel of 64 columns, slice of 1024 k).
// A and C are read and written through strides, so every transpose autograd asks for, any batch
// and any M, N, K run without a copy; K past one dispatch's 1024 rows is split over dispatches
// that add into C.

import { defineKernel } from '../../gpu/kernelDecl.js';
import type { Tensor } from '../../tensor/tensor.js';
import { launch, output } from '../launch.js';
import { checkWidth, PANEL, requirePanelWidth, type PanelWidth } from './family.js';

const PACK_PANELS = defineKernel({
  file: 'matmul/pack_panels.wgsl',
  params: { K: 'u32', N: 'u32', bOffset: 'u32', bBatchStride: 'u32', bRowStride: 'u32', bColStride: 'u32', P: 'u32', Q: 'u32' },
  inputs: ['b'],
  outputs: ['panels'],
});

const panelKernel = (w: PanelWidth) =>
  defineKernel({
    file: `matmul/matmul_panel_w${w}.wgsl`,
    params: {
      M: 'u32', N: 'u32', K: 'u32',
      aOffset: 'u32', aBatchStride: 'u32', aRowStride: 'u32', aColStride: 'u32',
      cOffset: 'u32', cBatchStride: 'u32', col0: 'u32', k0: 'u32', accumulate: 'u32',
    },
    inputs: ['a'],
    outputs: ['c'],
    uniforms: ['b0', 'b1', 'b2', 'b3'],
  });
export const MATMUL_PANEL_KERNELS = { 8: panelKernel(8), 4: panelKernel(4) } as const;

/** A matrix (or a batch of them) inside a tensor: element [z, r, c] = t[offset + z·batchStride + r·rowStride + c·colStride]. */
export interface Strided {
  t: Tensor;
  offset: number;
  batchStride: number;
  rowStride: number;
  colStride: number;
}

/**
 * A contiguous tensor holding row-major matrices `storedCols` wide (batched with `batchStride`,
 * 0 = one matrix for all), read as itself or, with `transposed`, as its transpose.
 */
export function rowMajor(t: Tensor, storedCols: number, batchStride: number, transposed = false): Strided {
  return transposed ? { t, offset: 0, batchStride, rowStride: 1, colStride: storedCols } : { t, offset: 0, batchStride, rowStride: storedCols, colStride: 1 };
}

/** Panels of B: [bBatches][P][Q][256][64] f32, Q rounded up to whole dispatches. */
export function packPanels(b: Strided, K: number, N: number, bBatches: number): { panels: Tensor; P: number; Q: number } {
  const P = Math.ceil(N / PANEL.cols);
  const Q = Math.ceil(Math.ceil(K / PANEL.windowRows) / PANEL.windows) * PANEL.windows;
  const panels = output([bBatches * P * Q * PANEL.windowRows * PANEL.cols], 'matmul pack');
  launch('matmul pack', PACK_PANELS, {
    params: { K, N, bOffset: b.offset, bBatchStride: b.batchStride, bRowStride: b.rowStride, bColStride: b.colStride, P, Q },
    inputs: [b.t],
    outputs: [panels],
    workgroups: [PANEL.windowRows / 16, Q, bBatches * P],
  });
  return { panels, P, Q };
}

/**
 * c[z] = A[z] · B[z] for z < batches (c is contiguous [batches, M, N]). A batch stride of 0 on
 * either side reuses one matrix for every z.
 */
export function panelMatmul(op: string, a: Strided, b: Strided, M: number, N: number, K: number, batches: number, c: Tensor): void {
  const w = requirePanelWidth(op);
  const kernel = MATMUL_PANEL_KERNELS[w];
  checkWidth(kernel.file, w);
  // One packed B per batch entry, or one for all when B is shared.
  const bBatches = b.batchStride === 0 ? 1 : batches;
  const { panels, P, Q } = packPanels(b, K, N, bBatches);
  const sliceK = PANEL.windowRows * PANEL.windows;
  const slices = Math.ceil(K / sliceK);
  // With a shared B, one dispatch covers every batch entry (grid z); else one per entry.
  const zRuns = bBatches === 1 ? [{ z: 0, count: batches }] : Array.from({ length: batches }, (_, z) => ({ z, count: 1 }));
  for (const run of zRuns) {
    const zb = bBatches === 1 ? 0 : run.z;
    for (let pn = 0; pn < P; pn++) {
      for (let s = 0; s < slices; s++) {
        const firstWindow = ((zb * P + pn) * Q + s * PANEL.windows) * PANEL.windowBytes;
        launch(op, kernel, {
          params: {
            M, N, K,
            aOffset: a.offset + run.z * a.batchStride, aBatchStride: a.batchStride, aRowStride: a.rowStride, aColStride: a.colStride,
            cOffset: run.z * M * N, cBatchStride: M * N,
            col0: pn * PANEL.cols, k0: s * sliceK, accumulate: s > 0 ? 1 : 0,
          },
          inputs: [a.t],
          outputs: [c],
          uniforms: Array.from({ length: PANEL.windows }, (_, i) => ({ t: panels, offset: firstWindow + i * PANEL.windowBytes })),
          workgroups: [1, Math.ceil(M / PANEL.rows), run.count],
          flops: 2 * M * Math.min(PANEL.cols, N - pn * PANEL.cols) * Math.min(sliceK, K - s * sliceK) * run.count,
        });
      }
    }
  }
  panels.dispose();
}
