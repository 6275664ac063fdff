// conv2d on CPU adapters (version 4 of the ladder): forward, input gradient and weight gradient
// through the generated panel kernels. Shapes stay PyTorch's (NCHW in, NCHW out); inside, the input
// is copied once into zero-padded NHWC (pad_nhwc.wgsl), the weights are packed into 64 KiB uniform
// panels on the GPU every step, and the output is written straight into NCHW.
//   forward:     xp = pad(x); w → panels;              y  = gathered GEMM over output pixels
//   input grad:  dyp = pad(dy); w → panels (o on k);   dx = gathered GEMM per stride phase
//   weight grad: dy → line windows;                    dw = GEMM over (tap, channel) rows, reading xp

import { defineKernel } from '../../gpu/kernelDecl.js';
import { runtime } from '../../gpu/runtime.js';
import { untrackTensor } from '../../tensor/scope.js';
import { emptyTensor, type Tensor } from '../../tensor/tensor.js';
import type { ConvGeometry } from '../convGeometry.js';
import { launch, output } from '../launch.js';
import { checkWidth, PANEL, requirePanelWidth, type PanelWidth } from './family.js';
import { chunkSteps, forwardPlan, inputGradPlan, MAX_TAPS, stepOffsets, weightGradPlan, type GemmPlan } from './convPlan.js';

const PAD_NHWC = defineKernel({
  file: 'conv/pad_nhwc.wgsl',
  params: { N: 'u32', C: 'u32', H: 'u32', W: 'u32', Cp4: 'u32', Hp: 'u32', Wp: 'u32', padT: 'u32', padL: 'u32' },
  inputs: ['x'],
  outputs: ['xp'],
  overrides: ['WG'],
});
const PACK_WEIGHTS = defineKernel({
  file: 'conv/pack_conv_weights.wgsl',
  params: { O: 'u32', C: 'u32', KH: 'u32', KW: 'u32', chunks: 'u32' },
  inputs: ['w', 'plan'],
  outputs: ['panels'],
  overrides: ['INPUT_GRAD'],
});
const PACK_DY = defineKernel({
  file: 'conv/pack_dy_panels.wgsl',
  params: { N: 'u32', O: 'u32', OH: 'u32', OW: 'u32', Q: 'u32' },
  inputs: ['dy'],
  outputs: ['panels'],
});

const gemmKernel = (w: PanelWidth) =>
  defineKernel({
    file: `conv/conv2d_panel_w${w}.wgsl`,
    params: {
      M: 'u32', GH: 'u32', GW: 'u32', Cp4: 'u32', inH: 'u32', inW: 'u32', inStepH: 'u32', inStepW: 'u32',
      outC: 'u32', outH: 'u32', outW: 'u32', outStepH: 'u32', outStepW: 'u32', outOffH: 'u32', outOffW: 'u32',
      col0: 'u32', accumulate: 'u32', hasBias: 'u32', steps: 'vec4<u32>',
    },
    inputs: ['x', 'bias'],
    outputs: ['y'],
    uniforms: ['w0', 'w1', 'w2', 'w3', 'offsets'],
  });
const dwKernel = (w: PanelWidth) =>
  defineKernel({
    file: `conv/conv2d_panel_dw_w${w}.wgsl`,
    params: {
      rows: 'u32', Cp: 'u32', C: 'u32', taps: 'u32', O: 'u32', col0: 'u32', slots: 'u32', slot0: 'u32', accumulate: 'u32', tapOffset: 'array<vec4<u32>, 16>',
    },
    inputs: ['x'],
    outputs: ['dw'],
    uniforms: ['g0', 'g1', 'g2', 'g3', 'pixels'],
  });
const CONV_GEMM = { 8: gemmKernel(8), 4: gemmKernel(4) } as const;
const CONV_DW = { 8: dwKernel(8), 4: dwKernel(4) } as const;

/** Workgroups for `blocks` row blocks, folded into y past the per-dimension limit. */
function rowGrid(blocks: number): [number, number] {
  const max = runtime().device.limits.maxComputeWorkgroupsPerDimension;
  return blocks <= max ? [blocks, 1] : [max, Math.ceil(blocks / max)];
}

function tapTable(offsets: readonly number[]): number[] {
  const t = new Array<number>(MAX_TAPS).fill(0);
  offsets.forEach((o, i) => (t[i] = o));
  return t;
}

/**
 * The plan's chunks and taps as one small u32 tensor, uploaded once per conv shape and owned by
 * this cache for the life of the device: untracked, so it is no tensor a scope could dispose and
 * no "live tensor" a leak check would count.
 */
const constants = new Map<string, Tensor>();
function constantWords(key: string, make: () => Uint32Array): Tensor {
  let t = constants.get(key);
  if (!t) {
    const words = make();
    t = emptyTensor([words.length], 'conv2d plan');
    untrackTensor(t);
    runtime().write(t.buffer('conv2d plan'), words);
    constants.set(key, t);
  }
  return t;
}

function planTensor(key: string, plan: GemmPlan): Tensor {
  return constantWords(key, () => {
    const words = new Uint32Array(4 * (plan.chunks.length + plan.taps.length));
    plan.chunks.forEach((c, i) => words.set([c.t0, c.t1, c.c0, c.c1], 4 * i));
    plan.taps.forEach((tap, i) => words.set([tap.kh, tap.kw, 0, 0], 4 * (plan.chunks.length + i)));
    return words;
  });
}

/** NCHW → zero-padded NHWC [N·inH][inW][4·cp4] (pad_nhwc.wgsl). */
export function padNhwc(x: Tensor, plan: Pick<GemmPlan, 'padT' | 'padL' | 'inH' | 'inW' | 'cp4'>): Tensor {
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const rows = N * plan.inH;
  const xp = output([rows * plan.inW * plan.cp4 * 4], 'conv2d pad');
  launch('conv2d pad', PAD_NHWC, {
    params: { N, C, H, W, Cp4: plan.cp4, Hp: plan.inH, Wp: plan.inW, padT: plan.padT, padL: plan.padL },
    inputs: [x],
    outputs: [xp],
    workgroups: [Math.ceil(plan.inW / 64), rows],
  });
  return xp;
}

/** The weights as [P][chunks][256][64] panels for one direction (pack_conv_weights.wgsl). */
function packWeights(op: string, g: ConvGeometry, w: Tensor, plan: GemmPlan, planKey: string, inputGrad: boolean): Tensor {
  const P = Math.ceil(plan.colChannels / PANEL.cols);
  const panels = output([P * plan.chunks.length * PANEL.windowRows * PANEL.cols], `${op} pack`);
  launch(`${op} pack`, PACK_WEIGHTS, {
    params: { O: g.O, C: g.C, KH: g.KH, KW: g.KW, chunks: plan.chunks.length },
    inputs: [w, planTensor(planKey, plan)],
    outputs: [panels],
    workgroups: [PANEL.windowRows / 64, plan.chunks.length, P],
    overrides: { INPUT_GRAD: inputGrad ? 1 : 0 },
  });
  return panels;
}

/** Runs every pass of a gathered-GEMM plan: dest[N, colChannels, outH, outW] (+ bias). */
function runGemm(op: string, plan: GemmPlan, planKey: string, xp: Tensor, panels: Tensor, bias: Tensor | null, dest: Tensor): void {
  const w = requirePanelWidth(op);
  const kernel = CONV_GEMM[w];
  checkWidth(kernel.file, w);
  const [N, outC, outH, outW] = dest.shape as [number, number, number, number];
  const P = Math.ceil(outC / PANEL.cols);
  const offsets = constantWords('steps ' + planKey, () => stepOffsets(plan));
  for (const pass of plan.passes) {
    const M = N * pass.GH * pass.GW;
    for (let pn = 0; pn < P; pn++) {
      for (let d = 0; d < pass.chunkCount; d += PANEL.windows) {
        const first = pass.firstChunk + d;
        const mine = plan.chunks.slice(first, first + PANEL.windows);
        // Useful k: real channels only (the padding channels are zeros).
        const k = mine.reduce((n, c) => n + (c.t1 - c.t0) * Math.max(0, Math.min(plan.rowChannels, 4 * c.c1) - 4 * c.c0), 0);
        launch(op, kernel, {
          params: {
            M, GH: pass.GH, GW: pass.GW, Cp4: plan.cp4, inH: plan.inH, inW: plan.inW, inStepH: plan.inStepH, inStepW: plan.inStepW,
            outC, outH, outW, outStepH: pass.outStepH, outStepW: pass.outStepW, outOffH: pass.outOffH, outOffW: pass.outOffW,
            col0: pn * PANEL.cols, accumulate: d > 0 ? 1 : 0, hasBias: d === 0 && bias ? 1 : 0, steps: mine.map(chunkSteps),
          },
          inputs: [xp, bias ?? xp],
          outputs: [dest],
          uniforms: [
            ...Array.from({ length: PANEL.windows }, (_, b) => ({ t: panels, offset: (pn * plan.chunks.length + first + b) * PANEL.windowBytes })),
            { t: offsets, offset: (first / PANEL.windows) * 1024 },
          ],
          workgroups: rowGrid(Math.ceil(M / PANEL.rows)),
          flops: 2 * M * Math.min(PANEL.cols, outC - pn * PANEL.cols) * k,
        });
      }
    }
  }
}

const geometryKey = (g: ConvGeometry) => Object.values(g).join(',');

/** The forward pass. Returns y and the padded input (the weight gradient reads it again). */
export function panelForward(g: ConvGeometry, x: Tensor, w: Tensor, b: Tensor | null): { y: Tensor; xp: Tensor } {
  const plan = forwardPlan(g);
  const xp = padNhwc(x, plan);
  const key = 'fwd ' + geometryKey(g);
  const panels = packWeights('conv2d', g, w, plan, key, false);
  const y = output([g.N, g.O, g.OH, g.OW], 'conv2d');
  runGemm('conv2d', plan, key, xp, panels, b, y);
  panels.dispose();
  return { y, xp };
}

/** dL/dx: the gathered GEMM over the padded output gradient, one pass per stride phase. */
export function panelInputGrad(g: ConvGeometry, dy: Tensor, w: Tensor): Tensor {
  const plan = inputGradPlan(g);
  const dyp = padNhwc(dy, plan);
  const key = 'dx ' + geometryKey(g);
  const panels = packWeights('conv2d dX', g, w, plan, key, true);
  const dx = output([g.N, g.C, g.H, g.W], 'conv2d dX');
  runGemm('conv2d dX', plan, key, dyp, panels, null, dx);
  panels.dispose();
  dyp.dispose();
  return dx;
}

/** The padded input the weight gradient reads, when the forward's is not at hand. */
export function panelPadInput(g: ConvGeometry, x: Tensor): Tensor {
  const plan = forwardPlan(g);
  return padNhwc(x, plan);
}

/** dL/dw from dy and the padded input `xp` (as panelForward or panelPadInput made it). */
export function panelWeightGrad(g: ConvGeometry, dy: Tensor, xp: Tensor): Tensor {
  const op = 'conv2d dW';
  const w = requirePanelWidth(op);
  const kernel = CONV_DW[w];
  checkWidth(kernel.file, w);
  const fwd = forwardPlan(g);
  const plan = weightGradPlan(g, fwd);
  const P = Math.ceil(g.O / PANEL.cols);
  const panels = output([P * plan.windows * PANEL.windowRows * PANEL.cols], `${op} pack`);
  launch(`${op} pack`, PACK_DY, {
    params: { N: g.N, O: g.O, OH: g.OH, OW: g.OW, Q: plan.windows },
    inputs: [dy],
    outputs: [panels],
    workgroups: [PANEL.windowRows / 64, plan.windows, P],
  });
  const pixels = constantWords('dw pixels ' + geometryKey(g), () => plan.pixelBases());
  const dw = output([g.O, g.C, g.KH, g.KW], op);
  const Cp = 4 * fwd.cp4;
  const rows = fwd.taps.length * Cp;
  const offsets = tapTable(plan.tapOffsets);
  const perDispatch = PANEL.windows * PANEL.windowRows;
  for (let pn = 0; pn < P; pn++) {
    for (let q = 0; q < plan.windows; q += PANEL.windows) {
      const slot0 = q * PANEL.windowRows;
      launch(op, kernel, {
        params: { rows, Cp, C: g.C, taps: fwd.taps.length, O: g.O, col0: pn * PANEL.cols, slots: plan.slots, slot0, accumulate: q > 0 ? 1 : 0, tapOffset: offsets },
        inputs: [xp],
        outputs: [dw],
        uniforms: [
          ...Array.from({ length: PANEL.windows }, (_, b) => ({ t: panels, offset: (pn * plan.windows + q + b) * PANEL.windowBytes })),
          { t: pixels, offset: slot0 * 4 },
        ],
        workgroups: rowGrid(Math.ceil(rows / PANEL.rows)),
        flops: 2 * fwd.taps.length * g.C * Math.min(PANEL.cols, g.O - pn * PANEL.cols) * Math.max(0, Math.min(plan.slots, slot0 + perDispatch) - slot0),
      });
    }
  }
  panels.dispose();
  return dw;
}
