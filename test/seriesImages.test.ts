// Time series → images. The CPU steps (segments, PAA, bins, transition matrix) on the examples in
// pyts' own docstrings and tests; the GPU kernels (gramian_field, markov_field, recurrence_plot) on
// the expected arrays of pyts' tests (pyts/image/tests, pyts 0.13) and against the f64 references
// (src/reference/series.ts) on random series of awkward lengths; then seriesImages' pixels.

import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { binSeries, normalQuantile, paa, recurrenceThreshold, segmentBounds, transitionMatrix } from '../src/convert/seriesPrep.js';
import { seriesFields, seriesImages, type SeriesImageOptions, type SeriesMethod } from '../src/convert/seriesImages.js';
import { gramianRef, markovRef, recurrenceRef } from '../src/reference/series.js';
import { Rng } from '../src/tensor/random.js';
import { setupGpu } from './helpers/gpu.js';

beforeAll(setupGpu);

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what: string): void {
  expect(got.length, `${what}: length`).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i]! - want[i]!) <= tol)) expect.fail(`${what}: element ${i} is ${got[i]} but should be ${want[i]} (tolerance ${tol})`);
  }
}

/** test/fixtures/pyts-series.json (scripts/fixtures/make_series_fixtures.py: NumPy and SciPy as pyts uses them). */
const FIXTURE = JSON.parse(readFileSync(new URL('./fixtures/pyts-series.json', import.meta.url), 'utf8')) as {
  normalEdges: Record<string, number[]>;
  recurrence: { series: number; n: number; dimension: number; delay: number; rule: 'point' | 'distance'; percentage: number; threshold: number; plot: number[] }[];
};
/** The fixture script's series(k, n), in float64. */
const fixtureSeries = (k: number, n: number) => Array.from({ length: n }, (_, t) => Math.sin(0.37 * t + k) * 2 + 0.05 * t * (k - 1) + Math.sin(t * t * 0.011 * (k + 1)));

describe('the CPU steps, on pyts examples', () => {
  it('segment bounds (pyts.utils.segmentation docstring) and PAA (its docstring)', () => {
    expect(segmentBounds(12, 4)).toEqual([0, 3, 6, 9, 12]);
    expect(segmentBounds(7, 3)).toEqual([0, 2, 4, 7]);
    expect(Array.from(paa([0, 4, 2, 1, 7, 6, 3, 5], 4))).toEqual([2, 1.5, 6.5, 4]);
    expect(Array.from(paa([2, 5, 4, 5, 3, 4, 2, 3], 4))).toEqual([3.5, 4.5, 3.5, 2.5]);
  });
  it('quantile bins (KBinsDiscretizer docstring) and the transition matrix (test_mtf)', () => {
    expect(Array.from(binSeries([0, 1, 0, 2, 3, 3, 2, 1], 2))).toEqual([0, 0, 0, 1, 1, 1, 1, 0]);
    expect(Array.from(binSeries([7, 0, 6, 1, 5, 3, 4, 2], 2))).toEqual([1, 0, 1, 0, 1, 0, 1, 0]);
    expect(Array.from(transitionMatrix(Int32Array.from([0, 1, 1, 0, 0, 1, 0, 0, 1, 0, 0]), 2))).toEqual([0.5, 0.5, 0.75, 0.25]);
  });
  it("normal bins: SciPy's norm.ppf edges for 2 to 12 bins, and a value on an edge goes to the bin below (np.digitize, right = True)", () => {
    for (const [n, edges] of Object.entries(FIXTURE.normalEdges)) {
      edges.forEach((e, i) => expect(Math.abs(normalQuantile((i + 1) / Number(n)) - e), `${n} bins, edge ${i}`).toBeLessThan(1e-14));
    }
    const [lo, mid, hi] = [0.25, 0.5, 0.75].map(normalQuantile); // −0.674…, 0, 0.674…
    expect(Array.from(binSeries([-3, lo!, lo! + 1e-9, mid!, 0.5, hi!, 9], 4, 'normal'))).toEqual([0, 0, 1, 1, 2, 2, 3]);
  });
  it("recurrence thresholds 'point' and 'distance' as NumPy computes them, for series of three trajectory shapes", () => {
    for (const c of FIXTURE.recurrence) {
      const t = recurrenceThreshold(fixtureSeries(c.series, c.n), c.dimension, c.delay, c.rule, c.percentage);
      expect(Math.abs(t.pyts - c.threshold), `${c.rule} ${c.percentage}, series ${c.series}`).toBeLessThan(1e-12 * Math.max(1, c.threshold));
    }
  });
});

/** pyts' expected arrays, from pyts/image/tests/test_{gaf,mtf,recurrence}.py. */
const pi6 = Math.cos(Math.PI / 6);
const PYTS: { what: string; method: SeriesMethod; x: number[][]; o: SeriesImageOptions; want: number[][][]; squared?: boolean }[] = [
  { what: 'GASF defaults', method: 'gasf', x: [[-1, 0, 1]], o: {}, want: [[[1, 0, -1], [0, -1, 0], [-1, 0, 1]]] },
  { what: 'GASF image_size 3 on arange(9)', method: 'gasf', x: [[0, 1, 2, 3, 4, 5, 6, 7, 8]], o: { size: 3 }, want: [[[1, 0, -1], [0, -1, 0], [-1, 0, 1]]] },
  { what: 'GADF', method: 'gadf', x: [[-1, 0, 1]], o: {}, want: [[[0, 1, 0], [-1, 0, 1], [0, -1, 0]]] },
  { what: 'GADF image_size 3 on arange(9)', method: 'gadf', x: [[0, 1, 2, 3, 4, 5, 6, 7, 8]], o: { size: 3 }, want: [[[0, 1, 0], [-1, 0, 1], [0, -1, 0]]] },
  { what: 'GASF sample_range (0, 1)', method: 'gasf', x: [[-1, 0, 1]], o: { sampleRange: [0, 1] }, want: [[[-1, -pi6, 0], [-pi6, -0.5, 0.5], [0, 0.5, 1]]] },
  { what: 'GADF sample_range (0, 1)', method: 'gadf', x: [[-1, 0, 1]], o: { sampleRange: [0, 1] }, want: [[[0, 0.5, 1], [-0.5, 0, pi6], [-1, -pi6, 0]]] },
  { what: 'MTF image_size 2, n_bins 4', method: 'mtf', x: [[0, 1, 2, 3, 4, 5, 6, 7]], o: { size: 2, nBins: 4 }, want: [[[0.375, 0.125], [0, 0.5]]] },
  { what: 'MTF uniform', method: 'mtf', x: [[0, 1, 2, 3, 4, 5, 6, 7]], o: { size: 2, nBins: 4, strategy: 'uniform' }, want: [[[0.375, 0.125], [0, 0.5]]] },
  { what: 'MTF uniform, 2 bins, 2 series', method: 'mtf', x: [[0, 1, 2, 3], [1, 0, 1, 1]], o: { size: 2, nBins: 2, strategy: 'uniform' }, want: [[[0.5, 0.5], [0, 1]], [[0.5, 0.75], [0.5, 0.5]]] },
  {
    what: 'RP dimension 3, delay 1 (squared)', method: 'rp', x: [[0, 1, 1, 0, 2, 3], [1, 0, 3, 2, 1, 0]], o: { dimension: 3, delay: 1 }, squared: true,
    want: [[[0, 2, 3, 5], [2, 0, 5, 11], [3, 5, 0, 6], [5, 11, 6, 0]], [[0, 11, 12, 11], [11, 0, 11, 12], [12, 11, 0, 3], [11, 12, 3, 0]]],
  },
  {
    what: 'RP dimension 2, delay 2 (squared)', method: 'rp', x: [[0, 1, 1, 0, 2, 3], [1, 0, 3, 2, 1, 0]], o: { dimension: 2, delay: 2 }, squared: true,
    want: [[[0, 2, 2, 4], [2, 0, 4, 10], [2, 4, 0, 2], [4, 10, 2, 0]], [[0, 2, 8, 10], [2, 0, 10, 8], [8, 10, 0, 2], [10, 8, 2, 0]]],
  },
  {
    what: 'RP dimension 1 (squared)', method: 'rp', x: [[0, 1, 1, 0, 2, 3], [1, 0, 3, 2, 1, 0]], o: {}, squared: true,
    want: [
      [[0, 1, 1, 0, 4, 9], [1, 0, 0, 1, 1, 4], [1, 0, 0, 1, 1, 4], [0, 1, 1, 0, 4, 9], [4, 1, 1, 4, 0, 1], [9, 4, 4, 9, 1, 0]],
      [[0, 1, 4, 1, 0, 1], [1, 0, 9, 4, 1, 0], [4, 9, 0, 1, 4, 9], [1, 4, 1, 0, 1, 4], [0, 1, 4, 1, 0, 1], [1, 0, 9, 4, 1, 0]],
    ],
  },
];

describe('the GPU kernels on pyts test expectations', () => {
  for (const c of PYTS) {
    it(c.what, async () => {
      const fields = await seriesFields(c.x, c.method, c.o);
      fields.forEach((f, k) => expectClose(c.squared ? f.map((v) => v * v) : f, c.want[k]!.flat(), 1e-5, `${c.what}, series ${k}`));
    });
  }
});

describe("the recurrence kernel with pyts' 'point' and 'distance' thresholds", () => {
  it('gives NumPy\'s plots exactly, at full size (each series in a batch with its own threshold)', async () => {
    for (const rule of ['point', 'distance'] as const) {
      for (const percentage of [10, 37.5, 45]) {
        const cases = FIXTURE.recurrence.filter((c) => c.rule === rule && c.percentage === percentage);
        for (const c of cases) {
          const x = fixtureSeries(c.series, c.n);
          const [plot] = await seriesFields([x], 'rp', { dimension: c.dimension, delay: c.delay, threshold: rule, percentage });
          const wrong = c.plot.filter((v, i) => plot![i] !== v).length;
          expect(wrong, `${rule} ${percentage} %, series ${c.series} (dimension ${c.dimension}, delay ${c.delay}): pixels that differ`).toBe(0);
        }
      }
    }
  });
  it('averages them to a smaller size as the reference does, two series per batch with thresholds of their own', async () => {
    const xs = [fixtureSeries(0, 40), fixtureSeries(3, 40).map((v) => v * 5)];
    for (const [rule, percentage] of [['point', 20], ['distance', 30]] as const) {
      const fields = await seriesFields(xs, 'rp', { size: 9, dimension: 2, delay: 3, threshold: rule, percentage });
      fields.forEach((f, k) => expectClose(f, recurrenceRef(xs[k]!, 9, 2, 3, rule, percentage), 1e-6, `${rule} ${percentage}, series ${k}`));
    }
  });
});

describe('the GPU kernels against the f64 references', () => {
  const rng = new Rng(7);
  const randomWalk = (n: number) => {
    let v = 0;
    return Array.from({ length: n }, () => (v += rng.normal()));
  };
  for (const [n, size] of [[37, 37], [37, 7], [60, 16], [128, 33], [5, 1]] as const) {
    it(`length ${n}, image ${size}: gasf, gadf, mtf, rp (and rp with dimension 3, delay 2, threshold)`, async () => {
      const xs = [randomWalk(n), randomWalk(n), randomWalk(n).map((v, t) => (t % 5 === 0 ? 0 : v))];
      const cases: [SeriesMethod, SeriesImageOptions, (x: number[]) => Float64Array, number][] = [
        ['gasf', { size }, (x) => gramianRef(x, size, 'summation'), 2e-6],
        ['gadf', { size }, (x) => gramianRef(x, size, 'difference'), 2e-6],
        ['mtf', { size }, (x) => markovRef(x, size), 1e-6],
        ['mtf', { size, nBins: 3, strategy: 'uniform' }, (x) => markovRef(x, size, 3, 'uniform'), 1e-6],
        ['mtf', { size, nBins: 5, strategy: 'normal' }, (x) => markovRef(x, size, 5, 'normal'), 1e-6],
        ['rp', { size }, (x) => recurrenceRef(x, size), 1e-4],
      ];
      const T = n - 4;
      if (T >= size) cases.push(['rp', { size, dimension: 3, delay: 2, threshold: 2 }, (x) => recurrenceRef(x, size, 3, 2, 2), 1e-6]);
      for (const [method, o, ref, tol] of cases) {
        const fields = await seriesFields(xs, method, o);
        fields.forEach((f, k) => expectClose(f, ref(xs[k]!), tol * (method === 'rp' && o.threshold === undefined ? Math.max(1, ...ref(xs[k]!)) : 1), `${method} ${JSON.stringify(o)}, series ${k}`));
      }
    });
  }
});

describe('seriesImages', () => {
  it('maps one method to gray and three to r, g, b, grouping series by length', async () => {
    const a = [0, 1, 2, 3, 4, 5, 6, 7];
    const b = [3, 1, 4, 1, 5];
    const [ga, gb] = await seriesImages([a, b]);
    expect([ga!.width, ga!.height, gb!.width]).toEqual([8, 8, 5]);
    // GASF of an increasing ramp: cos(φ_0 + φ_0) = cos(2π) = 1 → 255 at the top left; the anti-diagonal ends cos(π) = −1 → 0.
    expect(Array.from(ga!.data.subarray(0, 3))).toEqual([255, 255, 255]);
    expect(ga!.data[3 * 7]).toBe(0);
    const [rgb] = await seriesImages([a], { methods: ['gasf', 'gadf', 'mtf'], size: 4 });
    const [gasf, gadf, mtf] = await Promise.all((['gasf', 'gadf', 'mtf'] as const).map((m) => seriesFields([a], m, { size: 4 })));
    for (let p = 0; p < 16; p++) {
      expect(rgb!.data[3 * p]).toBe(Math.round(((gasf![0]![p]! + 1) / 2) * 255));
      expect(rgb!.data[3 * p + 1]).toBe(Math.round(((gadf![0]![p]! + 1) / 2) * 255));
      expect(rgb!.data[3 * p + 2]).toBe(Math.round(mtf![0]![p]! * 255));
    }
  });
  it('refuses a size larger than the series, an unknown method, and NaN', async () => {
    await expect(seriesImages([[1, 2, 3]], { size: 4 })).rejects.toThrow(/image size 4 must be an integer from 1 to 3 \(the series length\)/);
    await expect(seriesImages([[1, 2, 3]], { methods: ['fft' as SeriesMethod] })).rejects.toThrow(/method must be one of gasf, gadf, mtf, rp, got 'fft'/);
    await expect(seriesImages([[1, 2, 3], [1, NaN, 3]])).rejects.toThrow(/series 1: value 2 is NaN/);
    await expect(seriesImages([[1, 2, 3]], { methods: ['rp'], threshold: 'median' as 'point' })).rejects.toThrow(/rp: the threshold must be a positive distance, 'point' or 'distance' \(as pyts\), got "median"/);
    await expect(seriesImages([[1, 2, 3]], { methods: ['rp'], threshold: 0 })).rejects.toThrow(/the threshold must be a positive distance.*got 0/);
    await expect(seriesImages([[1, 2, 3]], { methods: ['rp'], threshold: 'point', percentage: 120 })).rejects.toThrow(/rp: the percentage must be from 0 to 100, got 120/);
  });
});
