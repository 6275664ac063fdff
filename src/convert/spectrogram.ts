// Log-mel spectrograms on the GPU, as torchaudio's MelSpectrogram followed by AmplitudeToDB:
//   signals ─ reflect-pad nFft/2 each side, lay end to end (CPU) ─ frames × Hann window
//   (stft_frames.wgsl) ─ FFT (fft_stockham.wgsl, one pass per factor of nFft) ─ |X|² of the
//   one-sided bins (power_spectrum.wgsl) ─ · mel filterbank (the engine's matmul) ─ dB
//   (power_to_db.wgsl) ─ read back, split per signal, [nMels, frames] as torchaudio lays it out.
// Many signals go through one batch of dispatches; the top_db floor (which needs each
// spectrogram's own maximum) is applied on the read-back values.

import { WgslnetError } from '../gpu/errors.js';
import { defineKernel } from '../gpu/kernelDecl.js';
import { tensor } from '../ops/creation.js';
import { grid1d, launch, output } from '../ops/launch.js';
import { matmul } from '../ops/matmul.js';
import { tidy } from '../tensor/scope.js';
import { fft } from './fft.js';
import { hannWindow, melFilterbank, type MelScale } from './mel.js';

const FRAMES = defineKernel({ file: 'signal/stft_frames.wgsl', params: { nFft: 'u32', frames: 'u32' }, inputs: ['signal', 'start', 'window'], outputs: ['out'], overrides: ['WG'] });
const POWER = defineKernel({ file: 'signal/power_spectrum.wgsl', params: { nFft: 'u32', nFreq: 'u32', frames: 'u32' }, inputs: ['spectrum'], outputs: ['power'], overrides: ['WG'] });
const TO_DB = defineKernel({ file: 'signal/power_to_db.wgsl', params: { n: 'u32', amin: 'f32', dbRef: 'f32' }, inputs: ['x'], outputs: ['y'], overrides: ['WG'] });

/** torchaudio.transforms.MelSpectrogram's options (its defaults), plus AmplitudeToDB's. */
export interface MelOptions {
  /** Hz (16000). */
  sampleRate?: number;
  /** FFT size (400). */
  nFft?: number;
  /** Window length (nFft); a shorter Hann window is centred and zero-padded to nFft. */
  winLength?: number;
  /** Hop between frames (⌊winLength / 2⌋). */
  hop?: number;
  /** Mel bands (128). */
  nMels?: number;
  /** Lowest and highest filter edge in Hz (0 and sampleRate / 2). */
  fMin?: number;
  fMax?: number;
  /** Filter normalisation: null (torchaudio's default) or 'slaney'. */
  norm?: 'slaney' | null;
  /** 'htk' (torchaudio's default) or 'slaney'. */
  melScale?: MelScale;
  /** AmplitudeToDB's floor below each spectrogram's maximum, in dB (null: none, as torchaudio). */
  topDb?: number | null;
}

export type ResolvedMelOptions = Required<MelOptions>;

export function resolveMelOptions(o: MelOptions = {}): ResolvedMelOptions {
  const sampleRate = o.sampleRate ?? 16000;
  const nFft = o.nFft ?? 400;
  const winLength = o.winLength ?? nFft;
  const r: ResolvedMelOptions = {
    sampleRate,
    nFft,
    winLength,
    hop: o.hop ?? Math.floor(winLength / 2),
    nMels: o.nMels ?? 128,
    fMin: o.fMin ?? 0,
    fMax: o.fMax ?? sampleRate / 2,
    norm: o.norm ?? null,
    melScale: o.melScale ?? 'htk',
    topDb: o.topDb ?? null,
  };
  const bad = (what: string) => new WgslnetError(`melSpectrogram: ${what}`);
  for (const k of ['sampleRate', 'nFft', 'winLength', 'hop', 'nMels'] as const) {
    if (!Number.isInteger(r[k]) || r[k] < 1) throw bad(`${k} must be a positive integer, got ${r[k]}`);
  }
  if (r.winLength > r.nFft) throw bad(`winLength ${r.winLength} is longer than nFft ${r.nFft}`);
  if (!(r.fMin >= 0 && r.fMin < r.fMax && r.fMax <= r.sampleRate / 2)) throw bad(`need 0 ≤ fMin < fMax ≤ sampleRate/2, got fMin ${r.fMin}, fMax ${r.fMax}, sampleRate ${r.sampleRate}`);
  if (r.topDb !== null && !(r.topDb > 0)) throw bad(`topDb must be positive or null, got ${r.topDb}`);
  return r;
}

export interface Spectrogram {
  nMels: number;
  frames: number;
  /** Log-mel power in dB, [nMels, frames] row-major (mel band m, frame t at m·frames + t). */
  db: Float32Array;
}

/** Frames of a signal of `length` samples, after torch.stft's centre padding. */
export function frameCount(length: number, nFft: number, hop: number): number {
  return 1 + Math.floor((length + 2 * Math.floor(nFft / 2) - nFft) / hop);
}

/** x padded by mirroring `pad` samples at each end, about the end samples (torch's 'reflect'). */
export function reflectPad(x: Float32Array, pad: number): Float32Array {
  const out = new Float32Array(x.length + 2 * pad);
  out.set(x, pad);
  for (let i = 1; i <= pad; i++) {
    out[pad - i] = x[i]!;
    out[pad + x.length - 1 + i] = x[x.length - 1 - i]!;
  }
  return out;
}

/** Most samples one batch lays end to end: frame starts are f32 integers, exact below 2^24. */
const MAX_BATCH_SAMPLES = 1 << 24;

/**
 * Log-mel spectrograms of mono signals (already at o.sampleRate). `names` (default "signal k")
 * label the error for a signal too short to pad. One GPU batch per ~16 M samples.
 */
export async function melSpectrograms(signals: Float32Array[], opts: MelOptions = {}, names?: string[]): Promise<Spectrogram[]> {
  const o = resolveMelOptions(opts);
  const pad = Math.floor(o.nFft / 2);
  signals.forEach((s, k) => {
    if (s.length <= pad) {
      throw new WgslnetError(`${names?.[k] ?? `signal ${k}`}: ${s.length} samples is too short for an STFT with nFft ${o.nFft} (reflect padding needs more than ${pad})`);
    }
  });
  const out: Spectrogram[] = [];
  for (let s = 0; s < signals.length; ) {
    let total = 0;
    let e = s;
    while (e < signals.length && (e === s || total + signals[e]!.length + 2 * pad < MAX_BATCH_SAMPLES)) total += signals[e++]!.length + 2 * pad;
    out.push(...(await batch(signals.slice(s, e), o)));
    s = e;
  }
  return out;
}

async function batch(signals: Float32Array[], o: ResolvedMelOptions): Promise<Spectrogram[]> {
  const pad = Math.floor(o.nFft / 2);
  const nFreq = Math.floor(o.nFft / 2) + 1;
  const padded = signals.map((s) => reflectPad(s, pad));
  const counts = signals.map((s) => frameCount(s.length, o.nFft, o.hop));
  const frames = counts.reduce((a, b) => a + b, 0);
  const joined = new Float32Array(padded.reduce((a, p) => a + p.length, 0));
  const starts = new Float32Array(frames);
  let at = 0;
  let f = 0;
  padded.forEach((p, k) => {
    joined.set(p, at);
    for (let t = 0; t < counts[k]!; t++) starts[f++] = at + t * o.hop;
    at += p.length;
  });
  const fb = melFilterbank({ nFreqs: nFreq, fMin: o.fMin, fMax: o.fMax, nMels: o.nMels, sampleRate: o.sampleRate, norm: o.norm, melScale: o.melScale });
  const amin = 1e-10;
  const db = tidy(() => {
    const frameT = output([frames, o.nFft, 2], 'melSpectrogram');
    launch('melSpectrogram', FRAMES, {
      params: { nFft: o.nFft, frames },
      inputs: [tensor(joined, [joined.length]), tensor(starts, [frames]), tensor(Float32Array.from(hannWindow(o.nFft, o.winLength)), [o.nFft])],
      outputs: [frameT],
      workgroups: grid1d(frames * o.nFft),
    });
    const spectrum = fft(frameT);
    const power = output([frames, nFreq], 'melSpectrogram');
    launch('melSpectrogram', POWER, { params: { nFft: o.nFft, nFreq, frames }, inputs: [spectrum], outputs: [power], workgroups: grid1d(frames * nFreq) });
    const mel = matmul(power, tensor(Float32Array.from(fb), [nFreq, o.nMels]));
    const y = output(mel.shape, 'melSpectrogram');
    launch('melSpectrogram', TO_DB, { params: { n: mel.size, amin, dbRef: 10 * Math.log10(Math.max(amin, 1)) }, inputs: [mel], outputs: [y], workgroups: grid1d(mel.size) });
    return y;
  });
  const values = await db.toArray();
  db.dispose();
  // [frames, nMels] of the whole batch → one [nMels, frames] array per signal, floored by topDb.
  let first = 0;
  return counts.map((n) => {
    const out = new Float32Array(o.nMels * n);
    let max = -Infinity;
    for (let t = 0; t < n; t++) {
      for (let m = 0; m < o.nMels; m++) {
        const v = values[(first + t) * o.nMels + m]!;
        out[m * n + t] = v;
        if (v > max) max = v;
      }
    }
    if (o.topDb !== null) for (let i = 0; i < out.length; i++) out[i] = Math.max(out[i]!, max - o.topDb);
    first += n;
    return { nMels: o.nMels, frames: n, db: out };
  });
}
