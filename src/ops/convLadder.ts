// The convolution ladder: every way wgslnet computes conv2d, one row per version, each with the
// forward pass and both gradients. docs/convolution.md walks up the ladder and says why each rung
// is faster than the last on which kind of adapter.
//
// Choosing a rung (conv2d(x, w, b, { impl: 'panel' })) runs that rung for the forward pass and
// both gradients, or throws saying why it cannot; it never falls back silently. `auto` picks per
// direction, by adapter and shape (pickRung).

import { WgslnetError } from '../gpu/errors.js';
import { runtime } from '../gpu/runtime.js';
import type { Tensor } from '../tensor/tensor.js';
import type { ConvGeometry } from './convGeometry.js';
import { panelIsDefault, panelWidth } from './cpu/family.js';
import { panelIneligible } from './cpu/convPlan.js';
import { panelForward, panelInputGrad, panelPadInput, panelWeightGrad } from './cpu/panelConv.js';
import { im2colForward, im2colIneligible, im2colInputGrad, im2colKernels, im2colWeightGrad } from './conv/im2col.js';
import { implicitForward, implicitIneligible, implicitInputGrad, implicitKernels, implicitWeightGrad } from './conv/implicit.js';
import { naiveForward, naiveInputGrad, naiveKernels, naiveWeightGrad } from './conv/naive.js';

export type ConvRungName = 'naive' | 'im2col' | 'implicit' | 'panel';
export type ConvImpl = ConvRungName | 'auto';
export type ConvDirection = 'forward' | 'inputGrad' | 'weightGrad';

export interface ConvRung {
  name: ConvRungName;
  title: string;
  /** Anchor of its section in docs/convolution.md. */
  doc: string;
  /** true, or why this rung cannot run `g` (in some direction) on this adapter. */
  eligible(g: ConvGeometry, direction?: ConvDirection): true | string;
  forward(g: ConvGeometry, x: Tensor, w: Tensor, b: Tensor | null): Tensor;
  inputGrad(g: ConvGeometry, dy: Tensor, w: Tensor): Tensor;
  weightGrad(g: ConvGeometry, dy: Tensor, x: Tensor): Tensor;
  /** Shader files each direction dispatches (under shaders/; "(matmul)" = the matmul op's kernel). */
  kernels: Record<ConvDirection, string[]>;
}

const ok = (reason: string | null): true | string => reason ?? true;

/** Everything a direction dispatches (packing, im2col, matmul, copies) counts as that direction in profiles. */
export const OP_NAME: Record<ConvDirection, string> = { forward: 'conv2d', inputGrad: 'conv2d dX', weightGrad: 'conv2d dW' };
function scoped<A extends unknown[]>(direction: ConvDirection, fn: (...a: A) => Tensor): (...a: A) => Tensor {
  return (...a) => runtime().withOp(OP_NAME[direction], () => fn(...a));
}

const RUNGS: readonly ConvRung[] = [
  {
    name: 'naive',
    title: 'Direct loops (the specification)',
    doc: 'rung-1-direct-loops',
    eligible: () => true,
    forward: naiveForward,
    inputGrad: naiveInputGrad,
    weightGrad: naiveWeightGrad,
    kernels: naiveKernels,
  },
  {
    name: 'im2col',
    title: 'im2col + matmul',
    doc: 'rung-2-im2col--matmul',
    eligible: (g) => ok(im2colIneligible(g)),
    forward: im2colForward,
    inputGrad: im2colInputGrad,
    weightGrad: im2colWeightGrad,
    kernels: im2colKernels,
  },
  {
    name: 'implicit',
    title: 'Implicit GEMM with register blocks (GPUs)',
    doc: 'rung-3-implicit-gemm',
    eligible: (g, d) =>
      ok(d ? implicitIneligible(g, d) : implicitIneligible(g, 'forward') ?? implicitIneligible(g, 'inputGrad') ?? implicitIneligible(g, 'weightGrad')),
    forward: implicitForward,
    inputGrad: implicitInputGrad,
    weightGrad: implicitWeightGrad,
    kernels: implicitKernels,
  },
  {
    name: 'panel',
    title: 'Uniform panels + subgroup broadcast (CPU adapters)',
    doc: 'rung-4-uniform-panels-and-subgroup-broadcast-cpu-adapters',
    eligible: (g) => {
      const w = panelWidth();
      return typeof w === 'string' ? w : ok(panelIneligible(g));
    },
    forward: (g, x, w, b) => {
      const { y, xp } = panelForward(g, x, w, b);
      xp.dispose();
      return y;
    },
    inputGrad: panelInputGrad,
    weightGrad: (g, dy, x) => {
      const xp = panelPadInput(g, x);
      const dw = panelWeightGrad(g, dy, xp);
      xp.dispose();
      return dw;
    },
    get kernels() {
      const w = panelWidth();
      const W = typeof w === 'number' ? w : 8;
      return {
        forward: ['conv/pad_nhwc.wgsl', 'conv/pack_conv_weights.wgsl', `conv/conv2d_panel_w${W}.wgsl`],
        inputGrad: ['conv/pad_nhwc.wgsl', 'conv/pack_conv_weights.wgsl', `conv/conv2d_panel_w${W}.wgsl`],
        weightGrad: ['conv/pack_dy_panels.wgsl', `conv/conv2d_panel_dw_w${W}.wgsl`],
      };
    },
  },
];

for (const r of RUNGS) {
  r.forward = scoped('forward', r.forward);
  r.inputGrad = scoped('inputGrad', r.inputGrad);
  r.weightGrad = scoped('weightGrad', r.weightGrad);
}

/** The ladder, bottom rung first. */
export function convLadder(): readonly ConvRung[] {
  return RUNGS;
}

export function convRung(name: ConvRungName): ConvRung {
  const r = RUNGS.find((x) => x.name === name);
  if (!r) throw new WgslnetError(`conv2d: unknown implementation '${name}' (choose ${RUNGS.map((x) => x.name).join(', ')} or auto)`);
  return r;
}

/**
 * Below this output width `auto` on a GPU runs im2col + matmul: the implicit kernels give each
 * workgroup rows of 8 output pixels, so a 7×7 or 4×4 map leaves most lanes idle, while im2col's
 * matmul tiles over N·OH·OW rows and stays full. Measured on lavapipe before the panel rung,
 * ResNet-18 training at 28 px, batch 64: 7.4 images/s all-implicit, 17.8 with this threshold.
 */
const SMALL_MAP_WIDTH = 16;

/**
 * `auto`: the rung for one direction of `g` on this adapter. On a CPU adapter the panel rung,
 * except for an input gradient with fewer than 16 input channels (the stem's, which training never
 * needs): its columns are the input channels, in panels of 64, so 3 channels would use 5 % of the
 * work (2.6 GFLOP/s against im2col's 7.6 on lavapipe).
 */
export function pickRung(g: ConvGeometry, direction: ConvDirection): ConvRung {
  const cpuOrder: ConvRungName[] = direction === 'inputGrad' && g.C < 16 ? ['im2col', 'panel', 'implicit', 'naive'] : ['panel', 'implicit', 'naive'];
  const order: ConvRungName[] = panelIsDefault() ? cpuOrder : g.OW < SMALL_MAP_WIDTH ? ['im2col', 'implicit', 'naive'] : ['implicit', 'naive'];
  for (const name of order) {
    const rung = convRung(name);
    if (rung.eligible(g, direction) === true) return rung;
  }
  return convRung('naive');
}

/** An explicitly chosen rung, checked: throws naming the reason when it cannot run `g`. */
export function chosenRung(g: ConvGeometry, name: ConvRungName): ConvRung {
  const rung = convRung(name);
  const why = rung.eligible(g);
  if (why !== true) throw new WgslnetError(`conv2d: the ${name} version cannot run this convolution (input [${g.N}, ${g.C}, ${g.H}, ${g.W}], kernel ${g.KH}×${g.KW}): ${why}`);
  return rung;
}
