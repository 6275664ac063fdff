// Time series → images, as pyts defines them: Gramian angular summation / difference fields
// (gasf, gadf), the Markov transition field (mtf) and the recurrence plot (rp). The O(n) steps per
// series run on the CPU in f64 (seriesPrep.ts); each image is one GPU kernel over all series of
// the same length. One method gives a gray image; two or three fill the red, green and blue
// channels in the order given (e.g. ['gasf', 'gadf', 'mtf']).

import { WgslnetError } from '../gpu/errors.js';
import { defineKernel } from '../gpu/kernelDecl.js';
import { rgbImage, type RgbImage } from '../data/image.js';
import { tensor } from '../ops/creation.js';
import { grid1d, launch, output } from '../ops/launch.js';
import { tidy } from '../tensor/scope.js';
import { toByte } from './grayImage.js';
import { binSeries, minMaxScale, paa, recurrenceThreshold, segmentBounds, transitionMatrix, type BinStrategy, type RecurrenceThreshold } from './seriesPrep.js';

const GRAMIAN = defineKernel({ file: 'signal/gramian_field.wgsl', params: { size: 'u32', count: 'u32' }, inputs: ['c'], outputs: ['field'], overrides: ['WG', 'OP'] });
const MARKOV = defineKernel({
  file: 'signal/markov_field.wgsl',
  params: { n: 'u32', size: 'u32', nBins: 'u32', count: 'u32' },
  inputs: ['bins', 'w', 'bounds'],
  outputs: ['field'],
  overrides: ['WG'],
});
const RECURRENCE = defineKernel({
  file: 'signal/recurrence_plot.wgsl',
  params: { n: 'u32', size: 'u32', dimension: 'u32', delay: 'u32', binarize: 'u32', count: 'u32' },
  inputs: ['x', 'bounds', 'thresholds'],
  outputs: ['plot'],
  overrides: ['WG'],
});

export const SERIES_METHODS = ['gasf', 'gadf', 'mtf', 'rp'] as const;
export type SeriesMethod = (typeof SERIES_METHODS)[number];

export interface SeriesImageOptions {
  /** One to three of gasf, gadf, mtf, rp (default ['gasf']). */
  methods?: SeriesMethod[];
  /** Image side, at most the series length (default: the length, as pyts' image_size = 1.0). */
  size?: number;
  /** gasf/gadf: the range the series is scaled to, within [−1, 1] (pyts' sample_range, (−1, 1)). */
  sampleRange?: [number, number];
  /** mtf: bins (pyts' default 8) and their strategy ('quantile', pyts' default, 'uniform' or 'normal'). */
  nBins?: number;
  strategy?: BinStrategy;
  /**
   * rp: trajectory dimension and time delay (1, 1), and a threshold (none: distances): a distance
   * ε, 'point' (each series' own `percentage` percentile of distances) or 'distance' (`percentage`
   * % of its largest distance), as pyts' RecurrencePlot.
   */
  dimension?: number;
  delay?: number;
  threshold?: RecurrenceThreshold | null;
  /** rp: the percentage for 'point' and 'distance' (pyts' default 10). */
  percentage?: number;
}

/** Where each field's values lie, to map them onto 0–255. */
function valueRange(method: SeriesMethod, field: Float32Array, o: SeriesImageOptions): [number, number] {
  if (method === 'gasf' || method === 'gadf') return [-1, 1];
  if (method === 'mtf' || (o.threshold ?? null) !== null) return [0, 1];
  let max = 0;
  for (const v of field) max = Math.max(max, v);
  return [0, max || 1]; // unthresholded distances: 0 black, this plot's largest white
}

/**
 * The image size of `method` for a series of length n (and its trajectory count), or an error
 * saying why the options do not fit it; `name` (a file, a CSV line) starts the message.
 */
export function seriesImageSize(n: number, method: SeriesMethod, o: SeriesImageOptions = {}, name = 'series'): { size: number; trajectories: number } {
  if (!SERIES_METHODS.includes(method)) throw new WgslnetError(`series image method must be one of ${SERIES_METHODS.join(', ')}, got '${method}'`);
  const dimension = o.dimension ?? 1;
  const delay = o.delay ?? 1;
  if (!Number.isInteger(dimension) || !Number.isInteger(delay) || dimension < 1 || delay < 1) throw new WgslnetError(`rp: dimension and delay must be positive integers, got ${dimension}, ${delay}`);
  const threshold = o.threshold ?? null;
  if (method === 'rp' && threshold !== null && !(typeof threshold === 'number' ? threshold > 0 : threshold === 'point' || threshold === 'distance')) {
    throw new WgslnetError(`rp: the threshold must be a positive distance, 'point' or 'distance' (as pyts), got ${JSON.stringify(threshold)}`);
  }
  const percentage = o.percentage ?? 10;
  if (method === 'rp' && !(percentage >= 0 && percentage <= 100)) throw new WgslnetError(`rp: the percentage must be from 0 to 100, got ${percentage}`);
  const trajectories = method === 'rp' ? n - (dimension - 1) * delay : n;
  if (trajectories < 1) throw new WgslnetError(`${name}: ${n} values make no trajectory of dimension ${dimension} and delay ${delay}`);
  const size = o.size ?? trajectories;
  if (!Number.isInteger(size) || size < 1 || size > trajectories) {
    throw new WgslnetError(`${name}: image size ${size} must be an integer from 1 to ${trajectories} (${method === 'rp' ? 'the number of trajectories' : 'the series length'}), as in pyts`);
  }
  return { size, trajectories };
}

/**
 * The raw fields of one method for series of equal length: one Float32Array [size, size] each
 * (row i, column j), the values pyts returns (rp: distances, or 0/1 with a threshold).
 */
export async function seriesFields(series: ArrayLike<number>[], method: SeriesMethod, o: SeriesImageOptions = {}): Promise<Float32Array[]> {
  if (!series.length) return [];
  const n = series[0]!.length;
  if (series.some((s) => s.length !== n)) throw new WgslnetError('seriesFields: every series of one call must have the same length');
  const { size, trajectories } = seriesImageSize(n, method, o);
  const count = series.length;
  const flat = (rows: ArrayLike<number>[]) => {
    const out = new Float32Array(rows.length * rows[0]!.length);
    rows.forEach((r, k) => out.set(Array.from(r), k * r.length));
    return out;
  };
  const field = tidy(() => {
    const y = output([count, size, size], `seriesImages ${method}`);
    const workgroups = grid1d(y.size);
    if (method === 'gasf' || method === 'gadf') {
      const [lo, hi] = o.sampleRange ?? [-1, 1];
      if (!(lo >= -1 && lo < hi && hi <= 1)) throw new WgslnetError(`sampleRange must satisfy −1 ≤ lo < hi ≤ 1, got [${lo}, ${hi}]`);
      const c = flat(series.map((s) => minMaxScale(size === n ? s : paa(s, size), lo, hi)));
      launch('seriesImages', GRAMIAN, { params: { size, count }, inputs: [tensor(c, [count, size])], outputs: [y], workgroups, overrides: { OP: method === 'gasf' ? 0 : 1 } });
    } else if (method === 'mtf') {
      const nBins = o.nBins ?? 8;
      const bins = series.map((s) => binSeries(s, nBins, o.strategy ?? 'quantile'));
      const w = flat(bins.map((b) => transitionMatrix(b, nBins)));
      const inputs = [tensor(flat(bins), [count, n]), tensor(w, [count, nBins, nBins]), tensor(segmentBounds(n, size), [size + 1])];
      launch('seriesImages', MARKOV, { params: { n, size, nBins, count }, inputs, outputs: [y], workgroups });
    } else {
      const [dimension, delay, threshold] = [o.dimension ?? 1, o.delay ?? 1, o.threshold ?? null];
      const thresholds = Float32Array.from(series, (s) =>
        threshold === null ? 0 : typeof threshold === 'number' ? threshold : recurrenceThreshold(s, dimension, delay, threshold, o.percentage ?? 10).gpu,
      );
      const params = { n, size, dimension, delay, binarize: threshold === null ? 0 : 1, count };
      const inputs = [tensor(flat(series), [count, n]), tensor(segmentBounds(trajectories, size), [size + 1]), tensor(thresholds, [count])];
      launch('seriesImages', RECURRENCE, { params, inputs, outputs: [y], workgroups });
    }
    return y;
  });
  const values = await field.toArray();
  field.dispose();
  return Array.from({ length: count }, (_, k) => values.slice(k * size * size, (k + 1) * size * size));
}

/** Series (any lengths; equal lengths share a batch) → images, one method per channel. */
export async function seriesImages(series: ArrayLike<number>[], o: SeriesImageOptions = {}): Promise<RgbImage[]> {
  const methods = o.methods ?? ['gasf'];
  if (methods.length < 1 || methods.length > 3) throw new WgslnetError(`series images take one to three methods (one per channel), got ${methods.length}`);
  series.forEach((s, k) => {
    if (!s.length) throw new WgslnetError(`series ${k} is empty`);
    for (let i = 0; i < s.length; i++) if (!Number.isFinite(s[i])) throw new WgslnetError(`series ${k}: value ${i + 1} is ${s[i]}`);
  });
  const out = new Array<RgbImage>(series.length);
  const byLength = new Map<number, number[]>();
  series.forEach((s, k) => byLength.set(s.length, [...(byLength.get(s.length) ?? []), k]));
  for (const idx of byLength.values()) {
    const group = idx.map((k) => series[k]!);
    const fields = await Promise.all(methods.map((m) => seriesFields(group, m, o)));
    const sides = fields.map((f) => Math.round(Math.sqrt(f[0]!.length)));
    if (sides.some((s) => s !== sides[0])) throw new WgslnetError(`the methods ${methods.join(', ')} give images of sizes ${sides.join(', ')} for series of length ${group[0]!.length}; pass one size`);
    const side = sides[0]!;
    idx.forEach((k, g) => {
      const img = rgbImage(side, side);
      methods.forEach((m, ch) => {
        const f = fields[ch]![g]!;
        const [lo, hi] = valueRange(m, f, o);
        for (let p = 0; p < f.length; p++) {
          const v = toByte(f[p]!, lo, hi);
          if (methods.length === 1) img.data.fill(v, 3 * p, 3 * p + 3);
          else img.data[3 * p + ch] = v;
        }
      });
      out[k] = img;
    });
  }
  return out;
}
