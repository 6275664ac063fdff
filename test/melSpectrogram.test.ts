// The log-mel spectrogram against torchaudio 0.13 (test/fixtures/torchaudio-mel.json, written by
// scripts/fixtures/make_audio_fixtures.py with Debian's python3-torchaudio): the filterbank, the
// resampler, and MelSpectrogram + AmplitudeToDB end to end on the GPU; also against the f64 direct-DFT
// reference, and the physics check: a pure tone lights the mel band the mel scale predicts.

import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { hzToMel, melFilterbank, melToHz, type MelScale } from '../src/convert/mel.js';
import { resample } from '../src/convert/resample.js';
import { melSpectrograms, resolveMelOptions, type MelOptions } from '../src/convert/spectrogram.js';
import { melSpectrogramRef } from '../src/reference/signal.js';
import { fixtureSignal, tone } from './helpers/audio.js';
import { setupGpu } from './helpers/gpu.js';

beforeAll(setupGpu);

interface Fixture {
  fbanks: { nFreqs: number; fMin: number; fMax: number; nMels: number; sampleRate: number; norm: 'slaney' | null; melScale: MelScale; nonzero: [number, number, number][] }[];
  melspec: { length: number; signalRate: number; options: Record<string, number | string>; shape: [number, number]; db: number[] }[];
  resample: { length: number; from: number; to: number; y: number[] }[];
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/torchaudio-mel.json', import.meta.url), 'utf8')) as Fixture;

/** torchaudio's MelSpectrogram keyword arguments as MelOptions. */
function melOptions(kw: Record<string, number | string>): MelOptions {
  const names: Record<string, keyof MelOptions> = { sample_rate: 'sampleRate', n_fft: 'nFft', win_length: 'winLength', hop_length: 'hop', n_mels: 'nMels', f_min: 'fMin', f_max: 'fMax', norm: 'norm', mel_scale: 'melScale' };
  return Object.fromEntries(Object.entries(kw).map(([k, v]) => [names[k]!, v]));
}

describe('mel filterbank', () => {
  it('the mel scales invert each other', () => {
    for (const scale of ['htk', 'slaney'] as const) for (const f of [0, 300, 1000, 4321, 11025]) expect(melToHz(hzToMel(f, scale), scale)).toBeCloseTo(f, 6);
    expect(hzToMel(700, 'htk')).toBeCloseTo(2595 * Math.log10(2), 9);
  });

  for (const c of fixture.fbanks) {
    it(`matches torchaudio.functional.melscale_fbanks(${c.nFreqs}, ${c.fMin}, ${c.fMax}, ${c.nMels}, ${c.sampleRate}, ${c.norm}, ${c.melScale})`, () => {
      const want = new Float64Array(c.nFreqs * c.nMels);
      for (const [k, m, v] of c.nonzero) want[k * c.nMels + m] = v;
      const got = melFilterbank(c);
      const scale = Math.max(...want);
      let worst = 0;
      for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
      // torchaudio builds it in float32 (its linspace and mel points round at ~1e-7 relative).
      expect(worst).toBeLessThan(3e-5 * scale);
    });
  }
});

describe('resample', () => {
  for (const c of fixture.resample) {
    it(`matches torchaudio.functional.resample ${c.from} → ${c.to} Hz`, () => {
      const got = resample(fixtureSignal(c.length, c.from), c.from, c.to);
      expect(got.length).toBe(c.y.length);
      let worst = 0;
      for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - c.y[i]!));
      expect(worst).toBeLessThan(2e-5); // torchaudio's kernel and conv1d run in float32
    });
  }
  it('rejects rates that are not positive integers', () => {
    expect(() => resample(new Float32Array(4), 44100.5, 16000)).toThrow(/positive integers, got 44100.5 → 16000/);
  });
});

describe('melSpectrograms on the GPU', () => {
  it('matches torchaudio MelSpectrogram + AmplitudeToDB for every fixture, in one batch', async () => {
    const signals = fixture.melspec.map((c) => fixtureSignal(c.length, c.signalRate));
    for (const [k, c] of fixture.melspec.entries()) {
      const [spec] = await melSpectrograms([signals[k]!], melOptions(c.options));
      expect([spec!.nMels, spec!.frames]).toEqual(c.shape);
      let worst = 0;
      for (let i = 0; i < c.db.length; i++) worst = Math.max(worst, Math.abs(spec!.db[i]! - c.db[i]!));
      expect(worst, `case ${k}: largest dB difference`).toBeLessThan(0.005);
    }
  });

  it('batches signals of different lengths and matches the f64 reference for each', async () => {
    const opts = { nFft: 64, hop: 16, nMels: 20, sampleRate: 8000 };
    const lengths = [33, 200, 517];
    const signals = lengths.map((n, i) => fixtureSignal(n + 7 * i, 8000).map((v, t) => v * (1 + 0.1 * Math.cos(t))));
    const specs = await melSpectrograms(signals, opts);
    const o = resolveMelOptions(opts);
    specs.forEach((spec, k) => {
      const ref = melSpectrogramRef(signals[k]!, o);
      expect(spec.frames).toBe(ref.frames);
      let worst = 0;
      for (let i = 0; i < ref.db.length; i++) worst = Math.max(worst, Math.abs(spec.db[i]! - ref.db[i]!));
      expect(worst, `signal ${k}`).toBeLessThan(0.005);
    });
  });

  it('topDb floors each spectrogram at its own maximum minus topDb', async () => {
    const loud = tone(1000, 0.1, 16000);
    const quiet = loud.map((v) => v * 1e-3);
    const [a, b] = await melSpectrograms([loud, quiet], { topDb: 30 });
    for (const s of [a!, b!]) {
      const max = Math.max(...s.db);
      expect(Math.min(...s.db)).toBeCloseTo(max - 30, 4);
    }
    expect(Math.max(...a!.db) - Math.max(...b!.db)).toBeCloseTo(60, 1); // 1e-3 in amplitude is 60 dB
  });

  it('a pure tone puts its brightest band where the mel scale says', async () => {
    const sr = 16000;
    const nMels = 64;
    const freqs = [250, 440, 1000, 2500, 6000];
    const specs = await melSpectrograms(freqs.map((f) => tone(f, 0.25, sr)), { nMels, nFft: 1024, hop: 256 });
    // Band m is centred at mel⁻¹(mel(0) + (m + 1)·(mel(sr/2) − mel(0)) / (nMels + 1)).
    const step = hzToMel(sr / 2) / (nMels + 1);
    specs.forEach((s, k) => {
      const t = Math.floor(s.frames / 2);
      let best = 0;
      for (let m = 1; m < nMels; m++) if (s.db[m * s.frames + t]! > s.db[best * s.frames + t]!) best = m;
      const expected = hzToMel(freqs[k]!) / step - 1;
      expect(Math.abs(best - expected), `${freqs[k]} Hz: band ${best}, mel scale says ${expected.toFixed(2)}`).toBeLessThanOrEqual(0.5);
    });
  });

  it('names a signal too short to pad', async () => {
    await expect(melSpectrograms([new Float32Array(300), new Float32Array(10)], {}, ['a.wav', 'b.wav'])).rejects.toThrow(/b\.wav: 10 samples is too short for an STFT with nFft 400/);
  });
});
