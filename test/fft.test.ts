// The FFT kernel (shaders/signal/fft_stockham.wgsl) against the DFT by its definition, in f64, on
// odd, even, prime and composite lengths, batched; outputs NaN-poisoned first.

import { beforeAll, describe, expect, it } from 'vitest';
import { tensor } from '../src/node/index.js';
import { fft, fftRadices } from '../src/convert/fft.js';
import { dft } from '../src/reference/signal.js';
import { Rng } from '../src/tensor/random.js';
import { setupGpu } from './helpers/gpu.js';

beforeAll(setupGpu);

describe('fft', () => {
  it('factors any length into passes (4s, then 2, then odd primes)', () => {
    expect(fftRadices(1)).toEqual([]);
    expect(fftRadices(8)).toEqual([4, 2]);
    expect(fftRadices(400)).toEqual([4, 4, 5, 5]);
    expect(fftRadices(127)).toEqual([127]);
    expect(fftRadices(2 * 9 * 11)).toEqual([2, 3, 3, 11]);
    for (let n = 1; n < 300; n++) expect(fftRadices(n).reduce((a, b) => a * b, 1)).toBe(n);
  });

  for (const n of [1, 2, 3, 5, 7, 8, 12, 16, 30, 63, 64, 100, 127, 400, 512]) {
    it(`matches the direct DFT, n = ${n}, batch 3`, async () => {
      const batch = 3;
      const rng = new Rng(n);
      const x = Float32Array.from({ length: batch * n * 2 }, () => rng.normal());
      const out = fft(tensor(x, [batch, n, 2]));
      expect([...out.shape]).toEqual([batch, n, 2]);
      const got = await out.toArray();
      out.dispose();
      for (let b = 0; b < batch; b++) {
        const re = Array.from({ length: n }, (_, t) => x[(b * n + t) * 2]!);
        const im = Array.from({ length: n }, (_, t) => x[(b * n + t) * 2 + 1]!);
        const want = dft(re, im);
        const scale = Math.max(1, ...want.re.map(Math.abs), ...want.im.map(Math.abs));
        for (let k = 0; k < n; k++) {
          const [gr, gi] = [got[(b * n + k) * 2]!, got[(b * n + k) * 2 + 1]!];
          if (!(Math.abs(gr - want.re[k]!) <= 1e-5 * scale && Math.abs(gi - want.im[k]!) <= 1e-5 * scale)) {
            expect.fail(`n ${n}, batch ${b}, bin ${k}: got ${gr} ${gi}i, want ${want.re[k]} ${want.im[k]}i`);
          }
        }
      }
    });
  }

  it('rejects a tensor that is not complex', () => {
    expect(() => fft(tensor(new Float32Array(6), [2, 3]))).toThrow(/complex \[\.\.\., n, 2\], got \[2, 3\]/);
  });
});
