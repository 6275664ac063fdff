// f64 CPU references for the time-series image kernels, written the way pyts computes them: the
// full n × n field first, then (pyts' _aggregated_markov_transition_field) the mean over blocks of
// segments. The GPU kernels instead compute each pixel's block directly; these say what they must
// equal. The O(n) preparation (PAA, scaling, bins) is seriesPrep.ts, tested on pyts' own examples.

import { binSeries, minMaxScale, paa, percentile, segmentBounds, transitionMatrix, type BinStrategy } from '../convert/seriesPrep.js';

/** The mean of `full` (n × n) over blocks of the segments ⌊linspace(0, n, size + 1)⌋. */
export function aggregate(full: Float64Array, n: number, size: number): Float64Array {
  const b = segmentBounds(n, size);
  const out = new Float64Array(size * size);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      let s = 0;
      for (let a = b[i]!; a < b[i + 1]!; a++) for (let c = b[j]!; c < b[j + 1]!; c++) s += full[a * n + c]!;
      out[i * size + j] = s / ((b[i + 1]! - b[i]!) * (b[j + 1]! - b[j]!));
    }
  }
  return out;
}

/** pyts GramianAngularField(image_size = size, method, sample_range = [lo, hi]). */
export function gramianRef(x: ArrayLike<number>, size: number, method: 'summation' | 'difference', range: [number, number] = [-1, 1]): Float64Array {
  const c = minMaxScale(size === x.length ? x : paa(x, size), ...range);
  const phi = Array.from(c, (v) => Math.acos(Math.min(1, Math.max(-1, v))));
  const out = new Float64Array(size * size);
  for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) out[i * size + j] = method === 'summation' ? Math.cos(phi[i]! + phi[j]!) : Math.sin(phi[i]! - phi[j]!);
  return out;
}

/** pyts MarkovTransitionField(image_size = size, n_bins, strategy). */
export function markovRef(x: ArrayLike<number>, size: number, nBins = 8, strategy: BinStrategy = 'quantile'): Float64Array {
  const n = x.length;
  const q = binSeries(x, nBins, strategy);
  const w = transitionMatrix(q, nBins);
  const full = new Float64Array(n * n);
  for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) full[a * n + b] = w[q[a]! * nBins + q[b]!]!;
  return aggregate(full, n, size);
}

/**
 * pyts RecurrencePlot(dimension, time_delay, threshold, percentage), then averaged to size: the
 * full T × T distances, and with a threshold 1 where a distance is below it ('point': the
 * percentage percentile of all T² distances; 'distance': percentage % of the largest).
 */
export function recurrenceRef(x: ArrayLike<number>, size: number, dimension = 1, delay = 1, threshold: number | 'point' | 'distance' | null = null, percentage = 10): Float64Array {
  const T = x.length - (dimension - 1) * delay;
  const full = new Float64Array(T * T);
  for (let a = 0; a < T; a++) {
    for (let b = 0; b < T; b++) {
      let sq = 0;
      for (let c = 0; c < dimension; c++) sq += (x[a + c * delay]! - x[b + c * delay]!) ** 2;
      full[a * T + b] = Math.sqrt(sq);
    }
  }
  if (threshold !== null) {
    const sorted = full.slice().sort();
    const eps = threshold === 'point' ? percentile(sorted, percentage) : threshold === 'distance' ? (percentage / 100) * sorted[sorted.length - 1]! : threshold;
    for (let i = 0; i < full.length; i++) full[i] = full[i]! < eps ? 1 : 0;
  }
  return aggregate(full, T, size);
}
