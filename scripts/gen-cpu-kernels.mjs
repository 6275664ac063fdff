#!/usr/bin/env node
// Writes the CPU-adapter kernel family: long straight-line WGSL that a CPU driver (lavapipe,
// SwiftShader) runs at several times the speed of a looped kernel. The files are committed, so a
// reader opens the exact code that runs; `test/cpuKernels.test.ts` fails when they are stale.
//
//   node scripts/gen-cpu-kernels.mjs          (rewrites shaders/*/..._panel_w{4,8}.wgsl)
//
// Why the bodies are generated (docs/convolution.md, "Rung 4", has the measurements):
//  - Each lane (one invocation = one SIMD lane of the driver) keeps a 32-row × 4·CV-column block
//    of C in named vec4 registers. A loop over a private array of accumulators costs a per-lane
//    load and store on every access in SwiftShader, and blends in lavapipe; named variables cost
//    neither.
//  - The operand every lane needs at its own address (B, or the conv weights) sits in 64 KiB
//    var<uniform> panels, which lavapipe reads with a branchless gather (a storage read is a
//    branchy per-lane loop there).
//  - The other operand is loaded once per lane and handed to every lane by subgroupBroadcast at a
//    constant lane: one instruction, no memory traffic.
// W (lanes per workgroup = the adapter's subgroup size) is baked into each file: 8 on lavapipe
// (AVX2), 4 on SwiftShader. A file run at another subgroup size would broadcast from lanes that do
// not exist, so the kernels check it and the TypeScript side refuses to dispatch them.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Rows of C per workgroup. */
export const ROWS = 32;
/** Columns per panel: 16 vec4. */
export const PANEL_COLS = 64;
/** k-rows per 64 KiB uniform binding (256 rows × 64 f32). */
export const PANEL_ROWS = 256;
/** Uniform panel bindings per dispatch. */
export const BINDINGS = 4;
/** Subgroup widths we generate for. */
export const WIDTHS = [8, 4];

const XYZW = ['x', 'y', 'z', 'w'];
const range = (n) => Array.from({ length: n }, (_, i) => i);

/** The accumulator registers of one lane: acc{row}_{cv}. */
function declareAccumulators(W) {
  const CV = 16 / W;
  return range(ROWS).map((r) => '  ' + range(CV).map((cv) => `var acc${r}_${cv} = vec4f(0.0);`).join(' ')).join('\n');
}

/**
 * One k-step of 4: `av{i}` holds (k..k+3) of row lane + W·i; `b{kk}_{cv}` holds row k+kk of B at
 * this lane's columns. Every row's values reach every lane by broadcast from the lane that loaded it.
 */
function fmaBlock(W, indent) {
  const CV = 16 / W;
  const out = [];
  for (let r = 0; r < ROWS; r++) {
    const i = Math.floor(r / W);
    const l = r % W;
    out.push(`${indent}// row m0 + ${r}: loaded by lane ${l} into av${i}`);
    for (let kk = 0; kk < 4; kk++) out.push(`${indent}let a${r}_${kk} = vec4f(subgroupBroadcast(av${i}.${XYZW[kk]}, ${l}u));`);
    for (let cv = 0; cv < CV; cv++) {
      for (let kk = 0; kk < 4; kk++) out.push(`${indent}acc${r}_${cv} = fma(a${r}_${kk}, b${kk}_${cv}, acc${r}_${cv});`);
    }
  }
  return out.join('\n');
}

/** Loads row k+kk (kk = 0..3) of a uniform panel at this lane's CV vec4 columns. */
function panelLoads(W, binding, indexExpr, indent) {
  const CV = 16 / W;
  const out = [];
  for (let kk = 0; kk < 4; kk++) {
    for (let cv = 0; cv < CV; cv++) out.push(`${indent}let b${kk}_${cv} = ${binding}[${indexExpr} + ${kk * 16 + W * cv}u];`);
  }
  return out.join('\n');
}

/**
 * The epilogue: every lane writes its CV vec4 columns of all 32 rows through `store(<args>, vcol, v)`.
 * The registers go through a private array and a loop, so `store` (with its bounds tests) is
 * compiled once: inlined 32·CV times, its branches made lavapipe's compile 5–10× slower.
 * `cursor` walks the rows without a division per row: `init` sets it up from row m0, `args` is
 * what store() gets for row m0 + r, and `advance` moves it to the next row.
 */
function storeAll(W, indent, cursor = {}) {
  const { init = [], args = 'm0 + r', advance = [] } = cursor;
  const CV = 16 / W;
  const out = [`${indent}var tile: array<vec4f, ${ROWS * CV}>;`];
  for (let r = 0; r < ROWS; r++) out.push(`${indent}${range(CV).map((cv) => `tile[${r * CV + cv}] = acc${r}_${cv};`).join(' ')}`);
  for (const line of init) out.push(`${indent}${line}`);
  out.push(`${indent}for (var r = 0u; r < ${ROWS}u; r++) {`);
  out.push(`${indent}  for (var cv = 0u; cv < ${CV}u; cv++) { store(${args}, lane + ${W}u * cv, tile[${CV}u * r + cv]); }`);
  for (const line of advance) out.push(`${indent}  ${line}`);
  out.push(`${indent}}`);
  return out.join('\n');
}

const uniformPanels = (name) => range(BINDINGS).map((b) => `@group(0) @binding(BIND${b}) var<uniform> ${name}${b}: array<vec4f, 4096>;`);

function bindingLines(first, names) {
  return names.map((line, i) => line.replace(/BIND\d/, String(first + i)));
}

// ---------------------------------------------------------------------------------------------
// matmul

function matmul(W) {
  const CV = 16 / W;
  const RG = ROWS / W;
  const chunks = range(BINDINGS).map((b) => `  // k in [k0 + ${b * PANEL_ROWS}, k0 + ${(b + 1) * PANEL_ROWS}): panel binding b${b}
  for (var s = 0u; s < steps(${b}u); s++) {
    let k = p.k0 + ${b * PANEL_ROWS}u + 4u * s;
    let k0 = min(k, kLast) * p.aColStride; let k1 = min(k + 1u, kLast) * p.aColStride;
    let k2 = min(k + 2u, kLast) * p.aColStride; let k3 = min(k + 3u, kLast) * p.aColStride;
${range(RG).map((i) => `    let av${i} = vec4f(a[ar${i} + k0], a[ar${i} + k1], a[ar${i} + k2], a[ar${i} + k3]);`).join('\n')}
${panelLoads(W, `b${b}`, 's * 64u + lane', '    ')}
${fmaBlock(W, '    ')}
  }`);
  return `// matmul — version 4 (CPU adapters, ${W}-lane subgroups): uniform B panels + subgroup broadcast
//   C[z, m, n] (+)= Σ_k A[z, m, k] · B[z, k, n]   for the k of this dispatch: [k0, min(K, k0 + ${BINDINGS * PANEL_ROWS}))
// GENERATED by scripts/gen-cpu-kernels.mjs — edit the script, not this file (a test checks they agree).
//
// Layout: A is read through strides, so any transpose or batch needs no copy:
//   A[z, m, k] = a[aOffset + z·aBatchStride + m·aRowStride + k·aColStride].
// B has been packed by pack_panels.wgsl into panels of ${PANEL_COLS} columns: one 64 KiB uniform binding holds
// ${PANEL_ROWS} rows of k × ${PANEL_COLS} columns (f32), zero past K and N; this dispatch binds ${BINDINGS} of them
// (b0: k0 .. k0+${PANEL_ROWS - 1}, b1: the next ${PANEL_ROWS}, …). C is row-major: c[cOffset + z·cBatchStride + m·N + n].
// accumulate = 0 writes C; 1 adds to it (the later K slices of a long K: split K).
//
// Mapping: one workgroup = one ${W}-lane subgroup = rows m0 .. m0+31 × the panel's ${PANEL_COLS} columns.
// Lane j owns vec4 columns ${range(CV).map((cv) => `j${cv ? ` + ${W * cv}` : ''}`).join(', ')} (${4 * CV} columns) of all 32 rows: ${32 * CV} vec4 accumulators.
// Per step of 4 k: lane j loads rows m0 + j + ${W}·i (i < ${RG}) of A as 4 values each (its only
// storage reads), reads its B columns of the 4 k-rows from the uniform panel (lavapipe: a branchless
// gather, about 4× cheaper than a storage read), and every A value reaches all lanes by
// subgroupBroadcast from a constant lane. Then ${ROWS * CV * 4} chained vec4 FMAs.
// Rows past M are clamped for the loads and skipped by the stores; k past K is clamped (B is zero there).
// Grid: (1, ceil(M / 32), batches). One dispatch per (panel, K slice[, batch when B is batched]).
// Requires subgroup size ${W}: at any other size the broadcasts read absent lanes, so the kernel
// writes NaN and the TypeScript side refuses to dispatch it.
//
// Bindings: p = { M, N, K, aOffset, aBatchStride, aRowStride, aColStride, cOffset, cBatchStride,
//   col0 (first column of the panel), k0 (first k of this dispatch), accumulate };
//   a in (storage); c out (storage); b0..b${BINDINGS - 1} the panel's uniform bindings.

enable subgroups;

struct Params {
  M: u32,
  N: u32,
  K: u32,
  aOffset: u32,
  aBatchStride: u32,
  aRowStride: u32,
  aColStride: u32,
  cOffset: u32,
  cBatchStride: u32,
  col0: u32,
  k0: u32,
  accumulate: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read_write> c: array<f32>;
${bindingLines(3, uniformPanels('b')).join('\n')}

var<private> z: u32;
// NaN when the subgroup is not ${W} lanes wide, else 0: added to every result.
var<private> wrongWidth: f32;

// Steps of 4 k in panel binding b (0 once the dispatch's K slice is used up).
fn steps(b: u32) -> u32 {
  let first = p.k0 + b * ${PANEL_ROWS}u;
  if (first >= p.K) { return 0u; }
  return min(${PANEL_ROWS / 4}u, (p.K - first + 3u) / 4u);
}

fn put(i: u32, v: f32) {
  if (p.accumulate != 0u) { c[i] = c[i] + v; } else { c[i] = v; }
}

// Writes (or adds) 4 columns of row m, vec4 column vcol of the panel, inside the matrix only.
fn store(m: u32, vcol: u32, acc: vec4f) {
  let n = p.col0 + 4u * vcol;
  if (m >= p.M || n >= p.N) { return; }
  let v = acc + wrongWidth;
  let at = p.cOffset + z * p.cBatchStride + m * p.N + n;
  put(at, v.x);
  if (n + 1u < p.N) { put(at + 1u, v.y); }
  if (n + 2u < p.N) { put(at + 2u, v.z); }
  if (n + 3u < p.N) { put(at + 3u, v.w); }
}

@compute @workgroup_size(${W})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(subgroup_invocation_id) lane: u32, @builtin(subgroup_size) sg: u32) {
  z = wid.z;
  // (built at run time: a constant NaN is a WGSL error)
  wrongWidth = select(bitcast<f32>(0x7fc00000u + sg - sg), 0.0, sg == ${W}u);
  let m0 = wid.y * 32u;
  let kLast = p.K - 1u;
  let aBase = p.aOffset + z * p.aBatchStride;
${range(RG).map((i) => `  let ar${i} = aBase + min(m0 + lane + ${W * i}u, p.M - 1u) * p.aRowStride;`).join('\n')}
${declareAccumulators(W)}

${chunks.join('\n\n')}

${storeAll(W, '  ')}
}
`;
}

// ---------------------------------------------------------------------------------------------
// conv2d forward and input gradient: one "gathered GEMM"

function convGemm(W) {
  const CV = 16 / W;
  const RG = ROWS / W;
  const windows = range(BINDINGS).map((b) => `  // window w${b}: p.steps[${b}] steps of 4 k-rows; step s reads x at a row's base + offsets entry ${b * 64} + s
  for (var s = 0u; s < p.steps[${b}]; s++) {
    let off = offsets[${b * 16}u + s / 4u][s % 4u];
${range(RG).map((i) => `    let av${i} = x[base${i} + off];`).join('\n')}
    let bi = s * 64u + lane;
${panelLoads(W, `w${b}`, 'bi', '    ')}
${fmaBlock(W, '    ')}
  }`);
  return `// conv2d forward and input gradient — version 4 (CPU adapters, ${W}-lane subgroups): a gathered GEMM
//   y[n, col, gh·outStepH + outOffH, gw·outStepW + outOffW] (+)= Σ_{t, c} x[base(n, gh, gw) + tapOffset[t] + c] · w[t, c, col]
// GENERATED by scripts/gen-cpu-kernels.mjs — edit the script, not this file (a test checks they agree).
//
// Rows m = (n, gh, gw) of a GH × GW grid; columns = output channels in panels of ${PANEL_COLS}; k = (tap, channel).
//  - forward: the grid is the output (OH × OW), x is the zero-padded input (pad_nhwc.wgsl), a row's
//    base is pixel (oh·strideH, ow·strideW), tap (kh, kw) is offset (kh·dilH, kw·dilW), and the
//    panels hold w[o, c, kh, kw] (pack_conv_weights.wgsl).
//  - input gradient: the same sum read backwards. For each stride phase (ph, pw) the grid is the
//    input pixels ih ≡ ph, iw ≡ pw (mod stride), x is the zero-padded output gradient, the taps are
//    the (kh, kw) that reach that phase (ih + padH − kh·dilH divisible by strideH), each at the dy
//    pixel it reads, and the panels hold w[o, c, kh, kw] with o on the k side and c as the column.
//    A stride-2 3×3 conv is 4 phases of 1, 2, 2 and 4 taps: no multiplications by inserted zeros.
// Layout: x is NHWC with Cp4 vec4 channels (zero past the real channel count) and a zero border,
//   so the inner loop has no bounds tests (on SwiftShader they make compile time explode); y is NCHW.
//   The panels: one 64 KiB uniform window holds ${PANEL_ROWS} k-rows × ${PANEL_COLS} columns; window b of this dispatch
//   holds steps[b] steps of 4 k-rows (a run of taps × vec4 channels, tap-major: pack_conv_weights.wgsl).
//   offsets (a 1 KiB uniform window written once per conv shape by the host) gives, for each step
//   of the dispatch, where its 4 channels sit from a row's first pixel: tapOffset(t) + c4, in vec4s.
//   So the kernel has one loop per window: a CPU driver blends every loop-carried value (here 64+
//   vec4 accumulators) with the lane mask once per loop iteration, so a loop over taps around a
//   loop over channels paid that twice per step for a 7×7 stem with 4 channels.
// accumulate = 0 writes y (plus bias[col] when hasBias = 1); 1 adds to it (later windows of a long K).
//
// Mapping: one workgroup = one ${W}-lane subgroup = rows m0 .. m0+31 × the panel's ${PANEL_COLS} columns. Lane j
// owns vec4 columns ${range(CV).map((cv) => `j${cv ? ` + ${W * cv}` : ''}`).join(', ')} of all 32 rows (${32 * CV} vec4 accumulators). Per 4 k: lane j loads
// rows m0 + j + ${W}·i (i < ${RG}) of x as one vec4 of channels each (its only storage reads), its
// columns of the 4 k-rows from the uniform window (lavapipe: a branchless gather), and every x
// value reaches all lanes by subgroupBroadcast from a constant lane; then ${ROWS * CV * 4} chained vec4 FMAs.
// Rows past M are clamped for the loads and skipped by the stores.
// Grid: (row blocks folded into x and y) = ceil(M / 32) workgroups; one dispatch per (panel, 4 windows[, phase]).
// Requires subgroup size ${W} (see matmul_panel_w${W}.wgsl): other sizes write NaN, and TypeScript refuses them.
//
// Bindings: p = the grid, the padded input's shape, the destination's shape and placement, the
//   panel's first column, accumulate, hasBias and the 4 windows' step counts; x in (storage);
//   bias in (storage, read when hasBias = 1); y out (storage); w0..w${BINDINGS - 1} uniform windows of weights;
//   offsets, the uniform window of this dispatch's ${(BINDINGS * PANEL_ROWS) / 4} step offsets.

enable subgroups;

struct Params {
  M: u32,
  GH: u32,
  GW: u32,
  Cp4: u32,
  inH: u32,
  inW: u32,
  inStepH: u32,
  inStepW: u32,
  outC: u32,
  outH: u32,
  outW: u32,
  outStepH: u32,
  outStepW: u32,
  outOffH: u32,
  outOffW: u32,
  col0: u32,
  accumulate: u32,
  hasBias: u32,
  steps: vec4<u32>,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<vec4f>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
${bindingLines(4, uniformPanels('w')).join('\n')}
@group(0) @binding(${4 + BINDINGS}) var<uniform> offsets: array<vec4<u32>, ${(BINDINGS * PANEL_ROWS) / 16}>;

// NaN when the subgroup is not ${W} lanes wide, else 0: added to every result.
var<private> wrongWidth: f32;

// Where row m of the grid starts in x (in vec4s).
fn rowBase(m: u32) -> u32 {
  let hw = p.GH * p.GW;
  let n = m / hw;
  let gh = (m % hw) / p.GW;
  let gw = m % p.GW;
  return ((n * p.inH + gh * p.inStepH) * p.inW + gw * p.inStepW) * p.Cp4;
}

// Where row (n, gh, gw) of the grid writes channel 0 in NCHW y.
fn outBase(n: u32, gh: u32, gw: u32) -> u32 {
  return n * p.outC * p.outH * p.outW + (gh * p.outStepH + p.outOffH) * p.outW + gw * p.outStepW + p.outOffW;
}

// Writes (or adds) columns col0 + 4·vcol .. +3 of row m (which writes from \`base\`) into NCHW y,
// inside the tensor only.
fn store(m: u32, base: u32, vcol: u32, acc: vec4f) {
  if (m >= p.M) { return; }
  let plane = p.outH * p.outW;
  let v = acc + wrongWidth;
  for (var e = 0u; e < 4u; e++) {
    let col = p.col0 + 4u * vcol + e;
    if (col < p.outC) {
      let at = base + col * plane;
      var before = 0.0;
      if (p.accumulate != 0u) { before = y[at]; } else if (p.hasBias != 0u) { before = bias[col]; }
      y[at] = before + v[e];
    }
  }
}

@compute @workgroup_size(${W})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(subgroup_invocation_id) lane: u32, @builtin(subgroup_size) sg: u32) {
  // (built at run time: a constant NaN is a WGSL error)
  wrongWidth = select(bitcast<f32>(0x7fc00000u + sg - sg), 0.0, sg == ${W}u);
  let m0 = (wid.y * groups.x + wid.x) * 32u;
${range(RG).map((i) => `  let base${i} = rowBase(min(m0 + lane + ${W * i}u, p.M - 1u));`).join('\n')}
${declareAccumulators(W)}

${windows.join('\n\n')}

${storeAll(W, '  ', {
    init: ['var n = m0 / (p.GH * p.GW); var gh = (m0 % (p.GH * p.GW)) / p.GW; var gw = m0 % p.GW;'],
    args: 'm0 + r, outBase(n, gh, gw)',
    advance: ['gw += 1u; if (gw == p.GW) { gw = 0u; gh += 1u; if (gh == p.GH) { gh = 0u; n += 1u; } }'],
  })}
}
`;
}

// ---------------------------------------------------------------------------------------------
// conv2d weight gradient

function convWeightGrad(W) {
  const CV = 16 / W;
  const RG = ROWS / W;
  const windows = range(BINDINGS).map((b) => `  // window g${b}: output pixels [slot0 + ${b * PANEL_ROWS}, slot0 + ${(b + 1) * PANEL_ROWS}); pixels[${b * 64} + s] holds the 4 pixels of step s
  for (var s = 0u; s < steps(${b}u); s++) {
    let q = pixels[${b * 64}u + s];
${range(RG).map((i) => `    let av${i} = vec4f(x[q.x + off${i}], x[q.y + off${i}], x[q.z + off${i}], x[q.w + off${i}]);`).join('\n')}
    let bi = s * 64u + lane;
${panelLoads(W, `g${b}`, 'bi', '    ')}
${fmaBlock(W, '    ')}
  }`);
  return `// conv2d weight gradient — version 4 (CPU adapters, ${W}-lane subgroups)
//   dw[o, c, kh, kw] (+)= Σ_{n, oh, ow} x[n, oh·strideH + kh·dilH, ow·strideW + kw·dilW, c] · dy[n, o, oh, ow]
// GENERATED by scripts/gen-cpu-kernels.mjs — edit the script, not this file (a test checks they agree).
//
// A GEMM whose rows are (tap t = kh·KW + kw, channel c) — taps·Cp of them —, whose columns are the
// output channels o (panels of ${PANEL_COLS}), and whose k is the output pixels (n, oh, ow): "slots".
// Layout: x is the zero-padded NHWC input the forward pass built (pad_nhwc.wgsl, Cp channels), so
//   row (t, c) of slot q reads x[base(q) + tapOffset[t] + c] with no bounds test. base(q), the first
//   float of the pixel slot q starts from, comes from the uniform window \`pixels\` (4 slots per vec4;
//   written once per conv shape by the host; slots past the end point at pixel 0, whose dy is zero).
//   dy is packed by pack_dy_panels.wgsl: window b holds slots [slot0 + 256·b, +256) × ${PANEL_COLS} columns.
// dw is OIHW; accumulate = 0 writes it, 1 adds (every dispatch after the first covers more slots).
//
// Mapping: one workgroup = one ${W}-lane subgroup = rows g0 .. g0+31 × the panel's ${PANEL_COLS} columns. Lane j
// owns vec4 columns ${range(CV).map((cv) => `j${cv ? ` + ${W * cv}` : ''}`).join(', ')} of all 32 rows. Per 4 slots: lane j loads x for its ${RG} rows
// (g0 + j + ${W}·i) at the 4 pixels (4 scalar reads each: the only storage reads), its columns of dy
// from the uniform window, and broadcasts; then ${ROWS * CV * 4} chained vec4 FMAs.
// Grid: ceil(taps·Cp / 32) workgroups (folded into x and y); one dispatch per (panel, 1024 slots).
// Requires subgroup size ${W} (see matmul_panel_w${W}.wgsl).
//
// Bindings: p = the GEMM's rows, channel counts, the slots of this dispatch, accumulate and the tap
//   offsets (in floats); x in (storage); dw out (storage); g0..g${BINDINGS - 1} uniform windows of dy;
//   pixels, the uniform window of this dispatch's ${BINDINGS * PANEL_ROWS} slot bases.

enable subgroups;

struct Params {
  rows: u32,
  Cp: u32,
  C: u32,
  taps: u32,
  O: u32,
  col0: u32,
  slots: u32,
  slot0: u32,
  accumulate: u32,
  tapOffset: array<vec4<u32>, 16>,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> dw: array<f32>;
${bindingLines(3, uniformPanels('g')).join('\n')}
@group(0) @binding(${3 + BINDINGS}) var<uniform> pixels: array<vec4<u32>, ${(BINDINGS * PANEL_ROWS) / 4}>;

// NaN when the subgroup is not ${W} lanes wide, else 0: added to every result.
var<private> wrongWidth: f32;

// Steps of 4 slots in window b (0 once the dispatch's slots are used up).
fn steps(b: u32) -> u32 {
  let first = p.slot0 + b * ${PANEL_ROWS}u;
  if (first >= p.slots) { return 0u; }
  return min(${PANEL_ROWS / 4}u, (p.slots - first + 3u) / 4u);
}

// Offset of GEMM row r = (tap, channel) from a pixel's first float in x.
fn rowOffset(r: u32) -> u32 {
  let t = r / p.Cp;
  return p.tapOffset[t / 4u][t % 4u] + r % p.Cp;
}

// Writes (or adds) columns col0 + 4·vcol .. +3 of GEMM row r = (tap t, channel c) into OIHW dw.
fn store(r: u32, t: u32, c: u32, vcol: u32, acc: vec4f) {
  if (r >= p.rows || c >= p.C) { return; }
  let v = acc + wrongWidth;
  for (var e = 0u; e < 4u; e++) {
    let o = p.col0 + 4u * vcol + e;
    if (o < p.O) {
      let at = (o * p.C + c) * p.taps + t;
      var before = 0.0;
      if (p.accumulate != 0u) { before = dw[at]; }
      dw[at] = before + v[e];
    }
  }
}

@compute @workgroup_size(${W})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(subgroup_invocation_id) lane: u32, @builtin(subgroup_size) sg: u32) {
  // (built at run time: a constant NaN is a WGSL error)
  wrongWidth = select(bitcast<f32>(0x7fc00000u + sg - sg), 0.0, sg == ${W}u);
  let m0 = (wid.y * groups.x + wid.x) * 32u;
${range(RG).map((i) => `  let off${i} = rowOffset(min(m0 + lane + ${W * i}u, p.rows - 1u));`).join('\n')}
${declareAccumulators(W)}

${windows.join('\n\n')}

${storeAll(W, '  ', {
    init: ['var t = m0 / p.Cp; var c = m0 % p.Cp;'],
    args: 'm0 + r, t, c',
    advance: ['c += 1u; if (c == p.Cp) { c = 0u; t += 1u; }'],
  })}
}
`;
}

// ---------------------------------------------------------------------------------------------
// Writing the files

export function generateCpuKernels() {
  const files = {};
  for (const W of WIDTHS) {
    files[`matmul/matmul_panel_w${W}.wgsl`] = matmul(W);
    files[`conv/conv2d_panel_w${W}.wgsl`] = convGemm(W);
    files[`conv/conv2d_panel_dw_w${W}.wgsl`] = convWeightGrad(W);
  }
  return files;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'shaders');
  for (const [path, text] of Object.entries(generateCpuKernels())) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
    console.log(`wrote shaders/${path} (${text.split('\n').length} lines)`);
  }
}
