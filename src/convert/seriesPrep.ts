// The per-series O(n) steps of pyts' image transforms, in f64 on the CPU, written from pyts 0.13's
// source (pyts/utils, approximation/paa.py, preprocessing/{scaler,discretizer}.py, image/mtf.py):
// segment bounds, piecewise aggregate approximation, min-max scaling, quantile / uniform / normal
// binning, the Markov transition matrix, and the recurrence plot's 'point' and 'distance'
// thresholds. The O(n²) images themselves are GPU kernels (seriesImages.ts).

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

export type BinStrategy = 'quantile' | 'uniform' | 'normal';

/** erf(x) for x ≥ 0 from its all-positive series, (2/√π)·e^(−x²)·Σ 2ⁿx^(2n+1)/(2n+1)!! (no cancellation). */
function erfPositive(x: number): number {
  let [term, sum] = [x, x];
  for (let n = 1; term > sum * 1e-17; n++) sum += term *= (2 * x * x) / (2 * n + 1);
  return (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
}

/**
 * The standard normal quantile Φ⁻¹(p) (scipy.stats.norm.ppf), for 0 < p < 1: Newton's method on
 * Φ(x) = (1 + erf(x/√2))/2 from x = 0, in the upper half (the lower half by symmetry), where Φ is
 * concave so every step stays below the root. Within 1e-14 of SciPy for the bin edges pyts uses
 * (test). A few lines here rather than a statistics package: the smallest well-kept one on npm
 * brings 128 packages for this one function.
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new WgslnetError(`the normal quantile needs 0 < p < 1, got ${p}`);
  if (p < 0.5) return -normalQuantile(1 - p);
  let x = 0;
  for (let i = 0; i < 200; i++) {
    const step = ((1 + erfPositive(x / Math.SQRT2)) / 2 - p) / (Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI));
    x -= step;
    if (Math.abs(step) <= 4e-16 * Math.max(1, x)) break;
  }
  return x;
}

/**
 * pyts' KBinsDiscretizer on one series: the bin edges ('quantile': the 100·i/nBins percentiles,
 * dropping an edge equal to the next, as pyts does; 'uniform': equal widths between min and max;
 * 'normal': the standard normal's i/nBins quantiles, the same for every series, which suits
 * z-normalised data), then each value's bin = the number of edges strictly below it
 * (np.digitize with right = True).
 */
export function binSeries(x: ArrayLike<number>, nBins: number, strategy: BinStrategy = 'quantile'): Int32Array {
  if (!Number.isInteger(nBins) || nBins < 2) throw new WgslnetError(`the number of bins must be an integer ≥ 2, got ${nBins}`);
  let edges: number[];
  if (strategy === 'normal') {
    edges = Array.from({ length: nBins - 1 }, (_, i) => normalQuantile((i + 1) / nBins));
  } else if (strategy === 'uniform') {
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

/** pyts' recurrence-plot thresholds: a fixed ε, or one chosen per series from its own distances. */
export type RecurrenceThreshold = number | 'point' | 'distance';

/**
 * pyts' RecurrencePlot threshold for one series: 'point' is the `percentage` percentile of all
 * T² trajectory distances (so about that share of the plot is 1), 'distance' is `percentage` %
 * of the largest; the plot is then ‖v_a − v_b‖ < threshold. Returns it (`pyts`) and the value the
 * GPU compares its f32 distances with (`gpu`): the midpoint of the gap between the largest
 * distance below the threshold and the smallest at or above it, which gives the same 0s and 1s
 * where rounding to f32 could move a distance equal to the threshold across it (with 'point'
 * it usually is one). O(T² log T) on the CPU: the GPU then aggregates the plot. The options
 * (percentage from 0 to 100) are checked by seriesImageSize before any series gets here.
 */
export function recurrenceThreshold(x: ArrayLike<number>, dimension: number, delay: number, rule: 'point' | 'distance', percentage: number): { pyts: number; gpu: number } {
  const T = x.length - (dimension - 1) * delay;
  const d = new Float64Array(T * T);
  for (let a = 0; a < T; a++) {
    for (let b = 0; b < T; b++) {
      let sq = 0;
      for (let c = 0; c < dimension; c++) sq += (x[a + c * delay]! - x[b + c * delay]!) ** 2;
      d[a * T + b] = Math.sqrt(sq);
    }
  }
  d.sort();
  const pyts = rule === 'point' ? percentile(d, percentage) : (percentage / 100) * d[d.length - 1]!;
  let firstAtOrAbove = 0; // binary search: the first distance ≥ the threshold
  for (let hi = d.length; firstAtOrAbove < hi; ) {
    const mid = (firstAtOrAbove + hi) >> 1;
    if (d[mid]! < pyts) firstAtOrAbove = mid + 1;
    else hi = mid;
  }
  if (firstAtOrAbove === 0) return { pyts, gpu: -1 }; // nothing below: all 0
  if (firstAtOrAbove === d.length) return { pyts, gpu: d[d.length - 1]! + 1 }; // everything below: all 1
  return { pyts, gpu: (d[firstAtOrAbove - 1]! + d[firstAtOrAbove]!) / 2 };
}
