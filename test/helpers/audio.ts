// The test signal of scripts/fixtures/make_audio_fixtures.py, computed the same way (f64, then
// rounded to f32): two tones, a slow chirp and a fast wrapped chirp, so every mel band has power.
export function fixtureSignal(n: number, sr: number): Float32Array {
  const x = new Float32Array(n);
  for (let t = 0; t < n; t++) {
    x[t] =
      0.5 * Math.sin((2 * Math.PI * 440 * t) / sr) +
      0.25 * Math.sin((2 * Math.PI * 2500 * t) / sr + 1) +
      0.1 * Math.sin(0.0007 * t * t) +
      0.02 * Math.sin(0.013 * t * t);
  }
  return x;
}

/** A pure tone of `hz` for `seconds`, amplitude 0.5. */
export function tone(hz: number, seconds: number, sr: number): Float32Array {
  return Float32Array.from({ length: Math.round(seconds * sr) }, (_, t) => 0.5 * Math.sin((2 * Math.PI * hz * t) / sr));
}
