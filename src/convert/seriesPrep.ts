// The per-series O(n) steps of pyts' image transforms, in f64 on the CPU, written from pyts 0.13's
// source (pyts/utils, approximation/paa.py, preprocessing/{scaler,discretizer}.py, image/mtf.py):
// segment bounds, piecewise aggregate approximation, min-max scaling, quantile / uniform binning
// and the Markov transition matrix. The O(n²) images themselves are GPU kernels (seriesImages.ts).

import { WgslnetError } from '../gpu/errors.js';

/**
 * pyts.utils.segmentation(n, ·, overlapping = False, n_segments = S): S windows whose bounds are
 * np.linspace(0, n, S + 1) truncated to integers. Returns the S + 1 bounds.
 */
export function segmentBounds(n: number, S: number): number[] {
  if (!Number.isInteger(S) || S < 1 || S > n) throw new WgslnetError(`image size ${S} must be an integer from 1 to the series length ${n}`);
  return Array.from({ length: S + 1 }, (_, i) => (i === S ? n : Math.trunc(i * (n / S))));
}

/** Piecewise aggregate approximation: the mean of each segment (pyts' PAA with output_size = S). */
export function paa(x: ArrayLike<number>, S: number): Float64Array {
  const b = segmentBounds(x.length, S);
  return Float64Array.from({ length: S }, (_, j) => {
    let s = 0;
    for (let t = b[j]!; t < b[j + 1]!; t++) s += x[t]!;
    return s / (b[j + 1]! - b[j]!);
  });
}

/** sklearn's MinMaxScaler to [lo, hi] over one series (a constant series maps to lo). */
export function minMaxScale(x: ArrayLike<number>, lo = -1, hi = 1): Float64Array {
  let [min, max] = [Infinity, -Infinity];
  for (let i = 0; i < x.length; i++) [min, max] = [Math.min(min, x[i]!), Math.max(max, x[i]!)];
  const scale = (hi - lo) / (max - min || 1);
  const shift = lo - min * scale;
  return Float64Array.from(x, (v) => v * scale + shift);
}

/** np.percentile(x, q) with its default 'linear' method (and numpy's two-sided lerp). */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  const v = (sorted.length - 1) * (q / 100);
  const lo = Math.floor(v);
  const hi = Math.min(lo + 1, sorted.length - 1);
  const t = v - lo;
  const [a, b] = [sorted[lo]!, sorted[hi]!];
  return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
}

export type BinStrategy = 'quantile' | 'uniform';

/**
 * pyts' KBinsDiscretizer on one series: the bin edges ('quantile': the 100·i/nBins percentiles,
 * dropping an edge equal to the next, as pyts does; 'uniform': equal widths between min and max),
 * then each value's bin = the number of edges strictly below it (np.searchsorted, side 'left').
 */
export function binSeries(x: ArrayLike<number>, nBins: number, strategy: BinStrategy = 'quantile'): Int32Array {
  if (!Number.isInteger(nBins) || nBins < 2) throw new WgslnetError(`the number of bins must be an integer ≥ 2, got ${nBins}`);
  let edges: number[];
  if (strategy === 'uniform') {
    let [min, max] = [Infinity, -Infinity];
    for (let i = 0; i < x.length; i++) [min, max] = [Math.min(min, x[i]!), Math.max(max, x[i]!)];
    edges = Array.from({ length: nBins - 1 }, (_, i) => min + ((max - min) * (i + 1)) / nBins);
  } else {
    const sorted = Float64Array.from(x).sort();
    edges = Array.from({ length: nBins - 1 }, (_, i) => percentile(sorted, (i + 1) * (100 / nBins)));
    if (nBins > 2) edges = edges.filter((e, i) => i === edges.length - 1 || Math.abs(edges[i + 1]! - e) > 1e-8);
  }
  return Int32Array.from(x, (v) => {
    let k = 0;
    while (k < edges.length && edges[k]! < v) k++;
    return k;
  });
}

/** Transition counts between consecutive bins, each row divided by its sum (an empty row stays 0). */
export function transitionMatrix(bins: Int32Array, nBins: number): Float64Array {
  const m = new Float64Array(nBins * nBins);
  for (let t = 0; t + 1 < bins.length; t++) m[bins[t]! * nBins + bins[t + 1]!]! += 1;
  for (let r = 0; r < nBins; r++) {
    let s = 0;
    for (let c = 0; c < nBins; c++) s += m[r * nBins + c]!;
    for (let c = 0; c < nBins; c++) m[r * nBins + c]! /= s || 1;
  }
  return m;
}
