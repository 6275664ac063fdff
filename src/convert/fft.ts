// The FFT: a batched complex DFT of any length, as one Stockham pass per factor of the length
// (shaders/signal/fft_stockham.wgsl explains the index algebra). Forward transform only, and not
// differentiable: it serves the spectrogram, which needs no gradient.

import { shapeStr, WgslnetError } from '../gpu/errors.js';
import { defineKernel } from '../gpu/kernelDecl.js';
import { tensor } from '../ops/creation.js';
import { clone } from '../ops/layout.js';
import { grid1d, launch, output } from '../ops/launch.js';
import type { Tensor } from '../tensor/tensor.js';

const FFT_PASS = defineKernel({
  file: 'signal/fft_stockham.wgsl',
  params: { n: 'u32', batch: 'u32', radix: 'u32', span: 'u32' },
  inputs: ['roots', 'x'],
  outputs: ['y'],
  overrides: ['WG'],
});

/**
 * The radices of the passes for length n: 4s first (half as many passes as 2s, the same work per
 * pass), then a 2, then the odd primes in increasing order. A prime n is one pass of radix n.
 */
export function fftRadices(n: number): number[] {
  if (!Number.isInteger(n) || n < 1) throw new WgslnetError(`fft: the length must be a positive integer, got ${n}`);
  const out: number[] = [];
  let m = n;
  for (const r of [4, 2]) while (m % r === 0) (out.push(r), (m /= r));
  for (let r = 3; m > 1; r += 2) {
    if (r * r > m) r = m; // what is left is prime
    while (m % r === 0) (out.push(r), (m /= r));
  }
  return out;
}

/** ω_n^m = exp(−2πi·m/n) for m < n, as (re, im) pairs: computed in f64, rounded to f32 once. */
export function fftRoots(n: number): Float32Array {
  const roots = new Float32Array(2 * n);
  for (let m = 0; m < n; m++) {
    const a = (-2 * Math.PI * m) / n;
    roots[2 * m] = Math.cos(a);
    roots[2 * m + 1] = Math.sin(a);
  }
  return roots;
}

/**
 * Forward DFT over the second-to-last axis of a complex tensor [..., n, 2] (last axis: re, im),
 * X[k] = Σ_t x[t]·exp(−2πi·t·k/n), for any n. Returns a new tensor of the same shape.
 */
export function fft(x: Tensor): Tensor {
  if (x.rank < 2 || x.shape[x.rank - 1] !== 2) throw new WgslnetError(`fft: input must be complex [..., n, 2], got ${shapeStr(x.shape)}`);
  const n = x.shape[x.rank - 2]!;
  const batch = x.size / (2 * n);
  const radices = fftRadices(n);
  if (!radices.length || x.size === 0) return clone(x);
  const roots = tensor(fftRoots(n), [n, 2]);
  let cur = x;
  let span = 1;
  for (const radix of radices) {
    const next = output(x.shape, 'fft');
    launch('fft', FFT_PASS, { params: { n, batch, radix, span }, inputs: [roots, cur], outputs: [next], workgroups: grid1d(n * batch, 64) });
    if (cur !== x) cur.dispose();
    cur = next;
    span *= radix;
  }
  roots.dispose();
  return cur;
}
