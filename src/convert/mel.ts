// The mel scale and torchaudio's triangular mel filterbank (functional.melscale_fbanks), in f64 on
// the CPU: it is a small constant matrix [nFreqs, nMels]; the GPU applies it as one matmul.
//   freqs   = linspace(0, ⌊sampleRate/2⌋, nFreqs)                 (the STFT bins' centres)
//   f_pts   = mel⁻¹(linspace(mel(fMin), mel(fMax), nMels + 2))   (filter edges and centres)
//   fb[k, m] = max(0, min((freqs[k] − f_pts[m]) / (f_pts[m+1] − f_pts[m]),
//                         (f_pts[m+2] − freqs[k]) / (f_pts[m+2] − f_pts[m+1])))
//   norm 'slaney' scales filter m by 2 / (f_pts[m+2] − f_pts[m]) (equal area).
// mel: 'htk' is 2595·log10(1 + f/700); 'slaney' is linear (3 mels per 200 Hz) below 1 kHz and
// logarithmic above, as librosa's and torchaudio's.

export type MelScale = 'htk' | 'slaney';

const SLANEY_SP = 200 / 3;
const SLANEY_LOG_HZ = 1000;
const SLANEY_LOG_MEL = SLANEY_LOG_HZ / SLANEY_SP;
const SLANEY_LOG_STEP = Math.log(6.4) / 27;

export function hzToMel(f: number, scale: MelScale = 'htk'): number {
  if (scale === 'htk') return 2595 * Math.log10(1 + f / 700);
  return f >= SLANEY_LOG_HZ ? SLANEY_LOG_MEL + Math.log(f / SLANEY_LOG_HZ) / SLANEY_LOG_STEP : f / SLANEY_SP;
}

export function melToHz(m: number, scale: MelScale = 'htk'): number {
  if (scale === 'htk') return 700 * (10 ** (m / 2595) - 1);
  return m >= SLANEY_LOG_MEL ? SLANEY_LOG_HZ * Math.exp(SLANEY_LOG_STEP * (m - SLANEY_LOG_MEL)) : SLANEY_SP * m;
}

/** n evenly spaced values from a to b inclusive (n ≥ 2), as torch.linspace. */
function linspace(a: number, b: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => (n === 1 ? a : a + ((b - a) * i) / (n - 1)));
}

export interface FilterbankOptions {
  nFreqs: number;
  fMin: number;
  fMax: number;
  nMels: number;
  sampleRate: number;
  norm?: 'slaney' | null;
  melScale?: MelScale;
}

/** The filterbank [nFreqs, nMels], row-major: power[frames, nFreqs] · fb = mel[frames, nMels]. */
export function melFilterbank(o: FilterbankOptions): Float64Array {
  const scale = o.melScale ?? 'htk';
  const freqs = linspace(0, Math.floor(o.sampleRate / 2), o.nFreqs);
  const pts = linspace(hzToMel(o.fMin, scale), hzToMel(o.fMax, scale), o.nMels + 2).map((m) => melToHz(m, scale));
  const fb = new Float64Array(o.nFreqs * o.nMels);
  for (let m = 0; m < o.nMels; m++) {
    const [lo, mid, hi] = [pts[m]!, pts[m + 1]!, pts[m + 2]!];
    const enorm = o.norm === 'slaney' ? 2 / (hi - lo) : 1;
    for (let k = 0; k < o.nFreqs; k++) {
      const up = (freqs[k]! - lo) / (mid - lo);
      const down = (hi - freqs[k]!) / (hi - mid);
      fb[k * o.nMels + m] = Math.max(0, Math.min(up, down)) * enorm;
    }
  }
  return fb;
}

/** The periodic Hann window of `winLength`, zero-padded on both sides to nFft (as torch.stft). */
export function hannWindow(nFft: number, winLength = nFft): Float64Array {
  const w = new Float64Array(nFft);
  const left = Math.floor((nFft - winLength) / 2);
  for (let t = 0; t < winLength; t++) w[left + t] = 0.5 - 0.5 * Math.cos((2 * Math.PI * t) / winLength);
  return w;
}
