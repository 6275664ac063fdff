// The conv ladder as the lab runs it: one rung per version of conv2d, each running the forward and
// both gradients through the package. Until the package exports its own ladder (convLadder(),
// issue 9), the rungs are built here from conv2d's `impl` choice and the exported gradient ops;
// the lab reads only this file's ConvRung, so switching is a one-file change.

import { conv2dInputGrad, conv2dWeightGrad, F, type ConvGeometry, type ConvImpl, type Tensor } from 'wgslnet';

export interface ConvRung {
  name: string;
  title: string;
  /** Anchor of its section in docs/convolution.md. */
  doc: string;
  eligible(g: ConvGeometry): true | string;
  forward(g: ConvGeometry, x: Tensor, w: Tensor, b: Tensor | null): Tensor;
  inputGrad(g: ConvGeometry, dy: Tensor, w: Tensor): Tensor;
  weightGrad(g: ConvGeometry, dy: Tensor, x: Tensor): Tensor;
}

const opts = (g: ConvGeometry) => ({ stride: [g.strideH, g.strideW] as [number, number], padding: [g.padH, g.padW] as [number, number], dilation: [g.dilH, g.dilW] as [number, number], groups: g.groups });

function rung(name: ConvImpl, title: string, doc: string, eligible: (g: ConvGeometry) => true | string): ConvRung {
  return {
    name,
    title,
    doc,
    eligible,
    forward: (g, x, w, b) => F.conv2d(x, w, b, { ...opts(g), impl: name }),
    inputGrad: (g, dy, w) => conv2dInputGrad(g, dy, w, name),
    weightGrad: (g, dy, x) => conv2dWeightGrad(g, dy, x, name),
  };
}

export function convLadder(): ConvRung[] {
  return [
    rung('naive', 'direct (naive): one invocation per output element — the specification', 'step-1--direct-naive-the-specification', () => true),
    rung('im2col', 'im2col + matmul: the input unrolled into a matrix, then one GEMM', 'step-2--the-convolution-is-a-matrix-product', (g) => (g.groups === 1 ? true : 'im2col runs only with groups = 1 (grouped convolutions would need one GEMM per group)')),
    rung('implicit', 'implicit GEMM, register-blocked: the GEMM without materialising the matrix', 'step-3--implicit-gemm-register-blocked-the-fast-path', (g) =>
      g.groups !== 1 ? 'implicit GEMM needs groups = 1' : g.O % 4 || g.C % 4 ? `implicit GEMM reads 4 channels as a vec4: needs C and K divisible by 4 (C = ${g.C}, K = ${g.O})` : true,
    ),
  ];
}
