// Resampling, as torchaudio.functional.resample (0.13) does it by default: band-limited sinc
// interpolation with a Hann-type window (cos²), lowpass_filter_width 6, rolloff 0.99. With
// g = gcd(from, to), o = from/g and q = to/g, output m·q + j (phase j < q) is
//   y[m·q + j] = Σ_{k < 2w + o} K_j[k] · x[m·o + k − w]        (x is 0 outside the signal)
//   K_j[k] = sinc(π·t)·cos²(π·t / 2·lpw)·base/o,   t = clamp(((k − w)/o − j/q)·base, ±lpw)
// where base = min(o, q)·rolloff is the cut-off and w = ⌈lpw·o/base⌉ the half-width; the output
// keeps ⌈q·length/o⌉ samples. Runs on the CPU in f64: it is a short FIR per sample, done once per
// file, and exact agreement with torchaudio is worth more here than speed (test/fixtures).

import { WgslnetError } from '../gpu/errors.js';

const gcd = (a: number, b: number): number => (b ? gcd(b, a % b) : a);

/** Filters by rate pair: a folder of files at one rate builds them once. */
const filterCache = new Map<string, { first: number; weights: Float64Array }[]>();

export interface ResampleOptions {
  lowpassFilterWidth?: number;
  rolloff?: number;
}

/** Resamples `x` from `from` Hz to `to` Hz (both integers). The same rate returns x itself. */
export function resample(x: Float32Array, from: number, to: number, o: ResampleOptions = {}): Float32Array {
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 1 || to < 1) {
    throw new WgslnetError(`resample: sample rates must be positive integers, got ${from} → ${to}`);
  }
  if (from === to) return x;
  const lpw = o.lowpassFilterWidth ?? 6;
  const rolloff = o.rolloff ?? 0.99;
  const g = gcd(from, to);
  const [of, q] = [from / g, to / g];
  const base = Math.min(of, q) * rolloff;
  const w = Math.ceil((lpw * of) / base);
  const taps = 2 * w + of;
  // One filter per output phase j, trimmed to the taps that count: wherever t is clamped to ±lpw
  // the window is cos²(±π/2) (below 1e-32, not quite 0 in floating point), so only about
  // 2·lpw·o/base of the 2w + o taps matter; dropping the rest changes no output above 1e-30.
  const key = `${of}/${q}/${lpw}/${rolloff}`;
  const kernels = filterCache.get(key) ?? Array.from({ length: q }, (_, j) => {
    const k = new Float64Array(taps);
    for (let i = 0; i < taps; i++) {
      const t = Math.min(lpw, Math.max(-lpw, ((i - w) / of - j / q) * base));
      const window = Math.cos((t * Math.PI) / lpw / 2) ** 2;
      const sinc = t === 0 ? 1 : Math.sin(Math.PI * t) / (Math.PI * t);
      k[i] = sinc * window * (base / of);
    }
    let [first, last] = [0, taps - 1];
    while (first < last && Math.abs(k[first]!) < 1e-30) first++;
    while (last > first && Math.abs(k[last]!) < 1e-30) last--;
    return { first, weights: k.subarray(first, last + 1) };
  });
  filterCache.set(key, kernels);
  const outLength = Math.ceil((q * x.length) / of);
  const y = new Float32Array(outLength);
  for (let n = 0; n < outLength; n++) {
    const { first, weights } = kernels[n % q]!;
    const start = Math.floor(n / q) * of - w + first; // input index of weights[0]
    const lo = Math.max(0, -start);
    const hi = Math.min(weights.length, x.length - start);
    let acc = 0;
    for (let i = lo; i < hi; i++) acc += weights[i]! * x[start + i]!;
    y[n] = acc;
  }
  return y;
}
