// The CPU-adapter kernel family (shaders/*/..._panel_w4|w8.wgsl, written by
// scripts/gen-cpu-kernels.mjs): when it runs, and the width it runs at.
//
// A CPU driver (lavapipe in Node, SwiftShader in Chrome) runs one subgroup as one SIMD register:
// 8 lanes on an AVX2 lavapipe, 4 on SwiftShader. These kernels hand values between lanes with
// subgroupBroadcast at constant lane numbers, so a kernel written for 8 lanes is wrong at 4: the
// width comes from the adapter, and a kernel of another width refuses to run.

import { WgslnetError } from '../../gpu/errors.js';
import { runtime } from '../../gpu/runtime.js';

/** Widths the generator writes kernels for. */
export const PANEL_WIDTHS = [8, 4] as const;
export type PanelWidth = (typeof PANEL_WIDTHS)[number];

/** Geometry every panel kernel shares (must match scripts/gen-cpu-kernels.mjs). */
export const PANEL = {
  /** Rows of the output per workgroup. */
  rows: 32,
  /** Columns per panel (16 vec4). */
  cols: 64,
  /** k-rows per 64 KiB uniform window (256 rows × 64 f32). */
  windowRows: 256,
  windowBytes: 65536,
  /** Uniform windows per dispatch. */
  windows: 4,
} as const;

/** The width the family runs at on this adapter, or why it cannot run (correctness only). */
export function panelWidth(): PanelWidth | string {
  const a = runtime().adapter;
  if (a.subgroupSize === null) return "the adapter has no 'subgroups' feature with a fixed subgroup size";
  if (!(PANEL_WIDTHS as readonly number[]).includes(a.subgroupSize)) return `no kernels are generated for subgroup size ${a.subgroupSize}`;
  return a.subgroupSize as PanelWidth;
}

/**
 * Whether `auto` picks the family: a CPU adapter it can run on. On a GPU a divergent uniform read
 * serialises, so GPUs keep the tiled workgroup-memory kernels.
 */
export function panelIsDefault(): boolean {
  return runtime().adapter.software && typeof panelWidth() === 'number';
}

/** Throws unless kernels of width `w` may run here (a wrong width computes garbage). */
export function checkWidth(file: string, w: PanelWidth): void {
  const size = runtime().adapter.subgroupSize;
  if (size !== w) {
    throw new WgslnetError(`shaders/${file} is written for ${w}-lane subgroups, but this adapter's subgroup size is ${size ?? 'unknown'}: it would compute wrong results, so it is not run`);
  }
}

/** The width to use: the adapter's (throws naming the reason when the family cannot run). */
export function requirePanelWidth(op: string): PanelWidth {
  const w = panelWidth();
  if (typeof w === 'string') throw new WgslnetError(`${op}: the panel kernels (CPU adapters) cannot run here: ${w}`);
  return w;
}
