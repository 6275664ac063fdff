// Batch normalisation in plain loops, f64 (over N and the spatial dims of [N, C, ...]).

import type { Ref } from './index.js';

export interface BnRef extends Ref {
  mean: Float64Array;
  /** Biased batch variance. */
  var: Float64Array;
}

export function batchNorm(
  x: Float64Array,
  shape: number[],
  gamma: Float64Array | null,
  beta: Float64Array | null,
  stats: { mean: Float64Array; var: Float64Array } | null,
  eps = 1e-5,
  relu = false,
): BnRef {
  const [N, C] = shape as [number, number];
  const HW = shape.slice(2).reduce((a, b) => a * b, 1);
  const idx = (n: number, c: number, s: number) => (n * C + c) * HW + s;
  const mean = new Float64Array(C);
  const vr = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    if (stats) {
      mean[c] = stats.mean[c]!;
      vr[c] = stats.var[c]!;
      continue;
    }
    let s = 0;
    for (let n = 0; n < N; n++) for (let k = 0; k < HW; k++) s += x[idx(n, c, k)]!;
    mean[c] = s / (N * HW);
    let d = 0;
    for (let n = 0; n < N; n++) for (let k = 0; k < HW; k++) d += (x[idx(n, c, k)]! - mean[c]!) ** 2;
    vr[c] = d / (N * HW);
  }
  const y = new Float64Array(x.length);
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++)
      for (let k = 0; k < HW; k++) {
        const i = idx(n, c, k);
        const v = ((x[i]! - mean[c]!) / Math.sqrt(vr[c]! + eps)) * (gamma ? gamma[c]! : 1) + (beta ? beta[c]! : 0);
        y[i] = relu ? Math.max(v, 0) : v;
      }
  return { data: y, shape: [...shape], mean, var: vr };
}
