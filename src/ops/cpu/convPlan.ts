// How a convolution is cut into the panel kernels' pieces (conv2d_panel_w*.wgsl and
// conv2d_panel_dw_w*.wgsl): which taps and channels each 64 KiB uniform window holds, where each tap
// reads, and — for the input gradient — the stride phases. Pure arithmetic, no GPU: the test suite
// checks it against the reference through the kernels.

import type { ConvGeometry } from '../convGeometry.js';
import { PANEL } from './family.js';

/** One uniform window's share of k: taps [t0, t1) × vec4 channels [c0, c1), tap-major. */
export interface Chunk {
  t0: number;
  t1: number;
  c0: number;
  c1: number;
}

const EMPTY: Chunk = { t0: 0, t1: 0, c0: 0, c1: 0 };
/** vec4 rows a window holds (256 k-rows / 4). */
const WINDOW_VEC4_ROWS = PANEL.windowRows / 4;
/** The kernels' tap-offset table: array<vec4<u32>, 16>. */
export const MAX_TAPS = 64;

/**
 * Chunks for taps [tStart, tEnd) of `cp4` vec4 channels each: whole taps per window when a tap fits
 * (64 channels → 4 taps), else one tap cut into windows of 256 channels. Padded with empty chunks
 * to whole dispatches of PANEL.windows; a range with no taps still gets one (all-empty) dispatch,
 * so its outputs are written (as zeros).
 */
export function chunksFor(tStart: number, tEnd: number, cp4: number): Chunk[] {
  const out: Chunk[] = [];
  if (cp4 <= WINDOW_VEC4_ROWS) {
    const perWindow = Math.floor(WINDOW_VEC4_ROWS / cp4);
    for (let t = tStart; t < tEnd; t += perWindow) out.push({ t0: t, t1: Math.min(tEnd, t + perWindow), c0: 0, c1: cp4 });
  } else {
    for (let t = tStart; t < tEnd; t++) {
      for (let c = 0; c < cp4; c += WINDOW_VEC4_ROWS) out.push({ t0: t, t1: t + 1, c0: c, c1: Math.min(cp4, c + WINDOW_VEC4_ROWS) });
    }
  }
  if (out.length === 0) out.push(EMPTY);
  while (out.length % PANEL.windows !== 0) out.push(EMPTY);
  return out;
}

/** A gathered GEMM over one grid of rows: one forward pass, or one stride phase of dX. */
export interface GemmPass {
  /** Rows: N · GH · GW. */
  GH: number;
  GW: number;
  /** Where row (n, gh, gw) writes in the NCHW destination: (gh·step + off, gw·step + off). */
  outStepH: number;
  outStepW: number;
  outOffH: number;
  outOffW: number;
  /** This pass's chunks (a whole number of dispatches), indices into the plan's chunk list. */
  firstChunk: number;
  chunkCount: number;
}

/** Everything the host needs to run a gathered-GEMM conv direction (forward or input gradient). */
export interface GemmPlan {
  /** The zero-padded NHWC input the kernel reads: its padding and shape. */
  padT: number;
  padL: number;
  inH: number;
  inW: number;
  /** Padded-input pixels between neighbouring rows of a grid. */
  inStepH: number;
  inStepW: number;
  /** vec4 channels per padded pixel (k side), and the channel count on each side. */
  cp4: number;
  rowChannels: number;
  colChannels: number;
  /** Per tap (global index): the weight tap it uses and its offset from a row's base, in vec4s. */
  taps: { kh: number; kw: number; offset: number }[];
  chunks: Chunk[];
  passes: GemmPass[];
}

const ceil4 = (n: number) => Math.ceil(n / 4);

/** Steps of 4 k-rows in a chunk: its taps × its vec4 channels. */
export const chunkSteps = (c: Chunk) => (c.t1 - c.t0) * (c.c1 - c.c0);

/**
 * For every dispatch (4 consecutive chunks), the offset of each step from a row's first pixel in
 * the padded input, in vec4s: entry 64·b + s is step s of chunk b, tap-major as the weights are
 * packed. 256 entries (1 KiB) per dispatch: the kernel binds them as one uniform window.
 */
export function stepOffsets(plan: GemmPlan): Uint32Array {
  const perWindow = PANEL.windowRows / 4;
  const out = new Uint32Array(plan.chunks.length * perWindow);
  plan.chunks.forEach((c, i) => {
    let j = i * perWindow;
    for (let t = c.t0; t < c.t1; t++) for (let c4 = c.c0; c4 < c.c1; c4++) out[j++] = plan.taps[t]!.offset + c4;
  });
  return out;
}

/** Forward: rows are output pixels, k is (tap, input channel), columns are output channels. */
export function forwardPlan(g: ConvGeometry): GemmPlan {
  const cp4 = ceil4(g.C);
  const inH = g.H + 2 * g.padH;
  const inW = g.W + 2 * g.padW;
  const taps = [];
  for (let kh = 0; kh < g.KH; kh++) for (let kw = 0; kw < g.KW; kw++) taps.push({ kh, kw, offset: (kh * g.dilH * inW + kw * g.dilW) * cp4 });
  const chunks = chunksFor(0, taps.length, cp4);
  return {
    padT: g.padH, padL: g.padW, inH, inW, inStepH: g.strideH, inStepW: g.strideW, cp4, rowChannels: g.C, colChannels: g.O, taps, chunks,
    passes: [{ GH: g.OH, GW: g.OW, outStepH: 1, outStepW: 1, outOffH: 0, outOffW: 0, firstChunk: 0, chunkCount: chunks.length }],
  };
}

const mod = (a: number, m: number) => ((a % m) + m) % m;

/** Along one axis: for each phase, its taps (k) and the dy offset e each reads (oh = i' + e). */
function phasesOf(size: number, k: number, stride: number, pad: number, dil: number): { rows: number; taps: { k: number; e: number }[] }[] {
  const out = [];
  for (let ph = 0; ph < stride; ph++) {
    const taps = [];
    for (let kk = 0; kk < k; kk++) {
      const num = ph + pad - kk * dil;
      if (mod(num, stride) === 0) taps.push({ k: kk, e: num / stride });
    }
    out.push({ rows: Math.max(0, Math.ceil((size - ph) / stride)), taps });
  }
  return out;
}

/**
 * Input gradient: dx[n, c, ih, iw] = Σ dy[n, o, (ih + padH − kh·dilH)/strideH, …] · w[o, c, kh, kw]
 * over the taps whose division is exact. Split by stride phase (ih mod strideH, iw mod strideW),
 * each phase is a plain correlation of the zero-padded dy with its own taps.
 */
export function inputGradPlan(g: ConvGeometry): GemmPlan {
  const cp4 = ceil4(g.O);
  const hs = phasesOf(g.H, g.KH, g.strideH, g.padH, g.dilH);
  const ws = phasesOf(g.W, g.KW, g.strideW, g.padW, g.dilW);
  // dy padding so that every read index (row + e) lands inside: above/left of 0 and below/right of OH/OW.
  const padBefore = (axis: typeof hs) => Math.max(0, ...axis.flatMap((a) => a.taps.map((t) => -t.e)));
  const padAfter = (axis: typeof hs, out: number) => Math.max(0, ...axis.flatMap((a) => a.taps.map((t) => a.rows - 1 + t.e - (out - 1))));
  const padT = padBefore(hs);
  const padL = padBefore(ws);
  const inH = g.OH + padT + padAfter(hs, g.OH);
  const inW = g.OW + padL + padAfter(ws, g.OW);
  const taps: GemmPlan['taps'] = [];
  const chunks: Chunk[] = [];
  const passes: GemmPass[] = [];
  hs.forEach((h, ph) => {
    ws.forEach((w, pw) => {
      if (h.rows === 0 || w.rows === 0) return;
      const first = taps.length;
      for (const th of h.taps) for (const tw of w.taps) taps.push({ kh: th.k, kw: tw.k, offset: ((th.e + padT) * inW + (tw.e + padL)) * cp4 });
      const mine = chunksFor(first, taps.length, cp4);
      passes.push({ GH: h.rows, GW: w.rows, outStepH: g.strideH, outStepW: g.strideW, outOffH: ph, outOffW: pw, firstChunk: chunks.length, chunkCount: mine.length });
      chunks.push(...mine);
    });
  });
  return { padT, padL, inH, inW, inStepH: 1, inStepW: 1, cp4, rowChannels: g.O, colChannels: g.C, taps, chunks, passes };
}

/** Weight gradient: rows (tap, channel), k = output pixels ("slots"), columns = output channels. */
export interface WeightGradPlan {
  /** N·OH·OW. */
  slots: number;
  /** Windows of 256 slots, a whole number of dispatches. */
  windows: number;
  /** Per tap: offset from a pixel's first float in the padded input (floats). */
  tapOffsets: number[];
  /** Per slot (padded to the windows): the first float of the padded-input pixel it starts from. */
  pixelBases(): Uint32Array;
}

export function weightGradPlan(g: ConvGeometry, fwd: GemmPlan): WeightGradPlan {
  const slots = g.N * g.OH * g.OW;
  const windows = Math.ceil(Math.ceil(slots / PANEL.windowRows) / PANEL.windows) * PANEL.windows;
  const cp = 4 * fwd.cp4;
  return {
    slots,
    windows,
    tapOffsets: fwd.taps.map((t) => t.offset * 4),
    pixelBases() {
      const bases = new Uint32Array(windows * PANEL.windowRows); // past the end: pixel 0 (its dy is zero)
      let q = 0;
      for (let n = 0; n < g.N; n++)
        for (let oh = 0; oh < g.OH; oh++)
          for (let ow = 0; ow < g.OW; ow++) bases[q++] = ((n * fwd.inH + oh * g.strideH) * fwd.inW + ow * g.strideW) * cp;
      return bases;
    },
  };
}

/** Why the panel rung cannot run this geometry, or null when it can. */
export function panelIneligible(g: ConvGeometry): string | null {
  if (g.groups !== 1) return `groups = ${g.groups} (the panel kernels do dense convolutions only)`;
  if (g.KH * g.KW > MAX_TAPS) return `a ${g.KH}×${g.KW} kernel has more than ${MAX_TAPS} taps`;
  return null;
}
