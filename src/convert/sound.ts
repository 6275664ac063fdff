// Sound → image: WAV bytes → mono → resampled → (optionally) padded or cut to a fixed duration →
// log-mel spectrogram on the GPU (spectrogram.ts) → an 8-bit image whose columns are frames (time
// runs left to right) and whose rows are mel bands, lowest at the bottom. Brightness maps the
// spectrogram's top `topDb` decibels (default 80, librosa's) linearly onto 0–255: each image is
// scaled to its own loudest point, so loudness does not decide the class.

import { WgslnetError } from '../gpu/errors.js';
import type { RgbImage } from '../data/image.js';
import { grayToRgb, toByte } from './grayImage.js';
import { resample } from './resample.js';
import { melSpectrograms, resolveMelOptions, type MelOptions, type Spectrogram } from './spectrogram.js';
import { readWav, toMono } from './wav.js';

export interface SoundImageOptions extends MelOptions {
  /** Seconds: shorter sounds are padded with silence at the end, longer ones cut (default: keep). */
  duration?: number | null;
}

/** The image's dB range below each spectrogram's maximum, when options.topDb is not given. */
export const IMAGE_TOP_DB = 80;

/** WAV bytes → mono samples at `sampleRate` (averaging channels, resampling as torchaudio). */
export function decodeSound(bytes: Uint8Array, name: string, sampleRate: number): Float32Array {
  const wav = readWav(bytes, name);
  const mono = toMono(wav);
  if (!mono.length) throw new WgslnetError(`${name}: the WAV file holds no samples`);
  return resample(mono, wav.sampleRate, sampleRate);
}

/** x padded with zeros or cut to exactly n samples. */
export function fitLength(x: Float32Array, n: number): Float32Array {
  if (x.length === n) return x;
  const out = new Float32Array(n);
  out.set(x.subarray(0, n));
  return out;
}

/** A spectrogram as an image: frame t is column t, mel band m is row nMels − 1 − m. */
export function spectrogramImage(s: Spectrogram, topDb = IMAGE_TOP_DB): RgbImage {
  let [min, max] = [Infinity, -Infinity];
  for (const v of s.db) [min, max] = [Math.min(min, v), Math.max(max, v)];
  const gray = new Uint8Array(s.nMels * s.frames);
  if (max > min) {
    for (let m = 0; m < s.nMels; m++) {
      for (let t = 0; t < s.frames; t++) gray[(s.nMels - 1 - m) * s.frames + t] = toByte(s.db[m * s.frames + t]!, max - topDb, max);
    }
  } // a constant spectrogram (silence) stays black
  return grayToRgb(s.frames, s.nMels, gray);
}

/**
 * WAV bytes → the mono signal the spectrogram takes: decoded, resampled to opts.sampleRate, fitted
 * to opts.duration, and long enough for the STFT's padding. Errors name the file.
 */
export function prepareSound(bytes: Uint8Array, name: string, opts: SoundImageOptions = {}): Float32Array {
  const o = resolveMelOptions(opts);
  const duration = opts.duration ?? null;
  if (duration !== null && !(duration > 0)) throw new WgslnetError(`sound images: duration must be a positive number of seconds, got ${duration}`);
  const x = decodeSound(bytes, name, o.sampleRate);
  const y = duration === null ? x : fitLength(x, Math.round(duration * o.sampleRate));
  const pad = Math.floor(o.nFft / 2);
  if (y.length <= pad) throw new WgslnetError(`${name}: ${y.length} samples at ${o.sampleRate} Hz is too short for an STFT with nFft ${o.nFft} (it needs more than ${pad})`);
  return y;
}

/** Mono signals at opts.sampleRate → spectrogram images, all through one GPU batch. */
export async function signalImages(signals: Float32Array[], names: string[], opts: SoundImageOptions = {}): Promise<RgbImage[]> {
  const specs = await melSpectrograms(signals, { ...opts, topDb: null }, names);
  return specs.map((s) => spectrogramImage(s, opts.topDb ?? IMAGE_TOP_DB));
}

/** WAV files (name and bytes) → spectrogram images. */
export async function soundImages(sounds: { name: string; bytes: Uint8Array }[], opts: SoundImageOptions = {}): Promise<RgbImage[]> {
  const signals = sounds.map((s) => prepareSound(s.bytes, s.name, opts));
  return signalImages(signals, sounds.map((s) => s.name), opts);
}
