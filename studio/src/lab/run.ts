// The lab's experiment, in the tools worker: random inputs, the f64 reference for the forward and
// both gradients, then every rung of the package's conv ladder (convLadder()) — each direction
// checked against the reference first, timed only after (llm.c's "check, then time"). Times come
// from the GPU's timestamps where the adapter has them (wall-clock replay otherwise) and name the
// kernels each direction ran.

import { convGeometry, convLadder, convReference, hasTimestamps, manualSeed, profile, profileWallClock, randn, tidy, type ConvDirection, type ConvGeometry, type KernelTime, type Tensor } from 'wgslnet';

export interface LabRequest {
  N: number;
  C: number;
  H: number;
  W: number;
  K: number;
  kh: number;
  kw: number;
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  groups: number;
  /** Timed runs per direction (default 3). */
  repeats?: number;
}

export type Direction = ConvDirection;

export interface DirectionResult {
  /** max |gpu − reference| */
  maxAbs: number;
  /** maxAbs ÷ max |reference| */
  rel: number;
  ok: boolean;
  ms: number;
  gflops: number;
  kernels: string[];
}

export interface RungResult {
  name: string;
  title: string;
  doc: string;
  /** Per direction: its checked and timed result, or why this rung cannot run it. */
  results: Record<Direction, DirectionResult | { reason: string }>;
  error?: string;
}

export interface LabResult {
  geometry: ConvGeometry;
  /** Multiply-adds × 2 of one direction (all three have the same count). */
  flops: number;
  timing: 'gpu' | 'wall';
  tolerance: number;
  rungs: RungResult[];
}

export const TOLERANCE = 1e-4;

function compare(got: Float32Array, want: Float64Array): { maxAbs: number; rel: number } {
  let maxAbs = 0;
  let scale = 0;
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i]! - want[i]!);
    maxAbs = Number.isNaN(d) ? Infinity : Math.max(maxAbs, d);
    scale = Math.max(scale, Math.abs(want[i]!));
  }
  return { maxAbs, rel: maxAbs / Math.max(scale, 1e-30) };
}

export async function runLab(r: LabRequest): Promise<LabResult> {
  const xs = [r.N, r.C, r.H, r.W];
  const ws = [r.K, r.C / r.groups, r.kh, r.kw];
  const g = convGeometry(xs, ws, { stride: r.stride, padding: r.padding, dilation: r.dilation, groups: r.groups });
  const args = { stride: r.stride, padding: r.padding, dilation: r.dilation, groups: r.groups };
  manualSeed(1234);
  const [x, w, b, dy] = [randn(xs), randn(ws), randn([r.K]), randn([g.N, g.O, g.OH, g.OW])] as Tensor[];
  const f64 = async (t: Tensor) => Float64Array.from(await t.toArray());
  const [x64, w64, b64, dy64] = [await f64(x!), await f64(w!), await f64(b!), await f64(dy!)];
  const grads = convReference.conv2dGrads(x64, xs, w64, ws, dy64, args);
  const want: Record<Direction, Float64Array> = { forward: convReference.conv2d(x64, xs, w64, ws, b64, args).data, inputGrad: grads.dx.data, weightGrad: grads.dw.data };
  const flops = 2 * g.N * g.O * g.OH * g.OW * (g.C / g.groups) * g.KH * g.KW;
  const timing = hasTimestamps() ? 'gpu' : 'wall';
  const repeats = r.repeats ?? 3;
  const rungs: RungResult[] = [];
  try {
    for (const rung of convLadder()) {
      const out: RungResult = { name: rung.name, title: rung.title, doc: rung.doc, results: {} as RungResult['results'] };
      rungs.push(out);
      const run: Record<Direction, () => Tensor> = {
        forward: () => rung.forward(g, x!, w!, b!),
        inputGrad: () => rung.inputGrad(g, dy!, w!),
        weightGrad: () => rung.weightGrad(g, dy!, x!),
      };
      try {
        for (const d of ['forward', 'inputGrad', 'weightGrad'] as Direction[]) {
          const eligible = rung.eligible(g, d);
          if (eligible !== true) {
            out.results[d] = { reason: eligible };
            continue;
          }
          const t = tidy(run[d]);
          const { maxAbs, rel } = compare(await t.toArray(), want[d]);
          t.dispose();
          const timed = () => {
            for (let i = 0; i < repeats; i++) tidy(() => void run[d]());
          };
          const times: KernelTime[] = timing === 'gpu' ? await profile(timed) : await profileWallClock(timed);
          const ms = times.reduce((s, k) => s + k.ms, 0) / repeats;
          out.results[d] = { maxAbs, rel, ok: rel <= TOLERANCE, ms, gflops: ms > 0 ? flops / (ms * 1e6) : 0, kernels: [...new Set(times.map((k) => k.kernel))].sort() };
        }
      } catch (e) {
        out.error = (e as Error).message;
      }
    }
  } finally {
    for (const t of [x, w, b, dy]) t!.dispose();
  }
  return { geometry: g, flops, timing, tolerance: TOLERANCE, rungs };
}
