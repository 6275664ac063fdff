// f64 CPU references for the signal kernels: the DFT by its definition (no factoring, O(n²)), and
// the whole log-mel spectrogram built on it, the slow obvious way. The GPU versions are tested
// against these; the filterbank itself is checked against torchaudio's (test/fixtures).

import { hannWindow, melFilterbank, type MelScale } from '../convert/mel.js';

/** X[k] = Σ_t x[t]·exp(−2πi·t·k/n), straight from the definition. */
export function dft(re: ArrayLike<number>, im: ArrayLike<number>): { re: Float64Array; im: Float64Array } {
  const n = re.length;
  const out = { re: new Float64Array(n), im: new Float64Array(n) };
  for (let k = 0; k < n; k++) {
    let sr = 0;
    let si = 0;
    for (let t = 0; t < n; t++) {
      const a = (-2 * Math.PI * ((t * k) % n)) / n;
      const [c, s] = [Math.cos(a), Math.sin(a)];
      sr += re[t]! * c - im[t]! * s;
      si += re[t]! * s + im[t]! * c;
    }
    out.re[k] = sr;
    out.im[k] = si;
  }
  return out;
}

export interface MelRefOptions {
  sampleRate: number;
  nFft: number;
  winLength: number;
  hop: number;
  nMels: number;
  fMin: number;
  fMax: number;
  norm: 'slaney' | null;
  melScale: MelScale;
}

/**
 * torchaudio's MelSpectrogram + AmplitudeToDB (power, no top_db) in f64: reflect padding of nFft/2,
 * periodic Hann window, one-sided power spectrum by direct DFT, filterbank, 10·log10(max(x, 1e-10)).
 * Returns [nMels, frames] row-major.
 */
export function melSpectrogramRef(x: ArrayLike<number>, o: MelRefOptions): { db: Float64Array; frames: number } {
  const pad = Math.floor(o.nFft / 2);
  const L = x.length;
  const at = (i: number) => x[i < 0 ? -i : i >= L ? 2 * (L - 1) - i : i]!; // reflect about the end samples
  const frames = 1 + Math.floor((L + 2 * pad - o.nFft) / o.hop);
  const nFreq = pad + 1;
  const window = hannWindow(o.nFft, o.winLength);
  const fb = melFilterbank({ nFreqs: nFreq, fMin: o.fMin, fMax: o.fMax, nMels: o.nMels, sampleRate: o.sampleRate, norm: o.norm, melScale: o.melScale });
  const db = new Float64Array(o.nMels * frames);
  for (let f = 0; f < frames; f++) {
    const re = Array.from({ length: o.nFft }, (_, t) => at(f * o.hop + t - pad) * window[t]!);
    const X = dft(re, new Float64Array(o.nFft));
    for (let m = 0; m < o.nMels; m++) {
      let acc = 0;
      for (let k = 0; k < nFreq; k++) acc += (X.re[k]! ** 2 + X.im[k]! ** 2) * fb[k * o.nMels + m]!;
      db[m * frames + f] = 10 * Math.log10(Math.max(acc, 1e-10));
    }
  }
  return { db, frames };
}
