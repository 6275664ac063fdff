// Pooling in plain loops, f64: fixed windows (max / average) and adaptive windows.

import type { Ref } from './index.js';

export interface PoolArgs {
  kind: 'max' | 'avg';
  /** Fixed windows; omit for adaptive. */
  kernel?: [number, number];
  stride?: [number, number];
  padding?: [number, number];
  /** Fixed max windows only: taps start + t·dilation. */
  dilation?: [number, number];
  countIncludePad?: boolean;
  /** Output size (adaptive); computed for fixed windows. */
  out?: [number, number];
}

export function pool2d(x: Float64Array, shape: number[], a: PoolArgs): Ref {
  const [N, C, H, W] = shape as [number, number, number, number];
  const adaptive = !a.kernel;
  const [kh, kw] = a.kernel ?? [0, 0];
  const [sh, sw] = a.stride ?? [kh, kw];
  const [ph, pw] = a.padding ?? [0, 0];
  const [dh, dw] = a.dilation ?? [1, 1];
  const OH = adaptive ? a.out![0] : Math.floor((H + 2 * ph - dh * (kh - 1) - 1) / sh) + 1;
  const OW = adaptive ? a.out![1] : Math.floor((W + 2 * pw - dw * (kw - 1) - 1) / sw) + 1;
  const win = (o: number, n: number, outN: number, k: number, s: number, p: number, d: number): [number, number] =>
    adaptive ? [Math.floor((o * n) / outN), Math.ceil(((o + 1) * n) / outN)] : [o * s - p, o * s - p + (k - 1) * d + 1];
  const y = new Float64Array(N * C * OH * OW);
  for (let pl = 0; pl < N * C; pl++)
    for (let oh = 0; oh < OH; oh++)
      for (let ow = 0; ow < OW; ow++) {
        const [h0, h1] = win(oh, H, OH, kh, sh, ph, dh);
        const [w0, w1] = win(ow, W, OW, kw, sw, pw, dw);
        let best = -Infinity;
        let total = 0;
        let count = 0;
        for (let ih = h0; ih < Math.min(h1, H); ih += dh)
          for (let iw = w0; iw < Math.min(w1, W); iw += dw) {
            if (ih < 0 || iw < 0) continue;
            const v = x[(pl * H + ih) * W + iw]!;
            best = Math.max(best, v);
            total += v;
            count++;
          }
        const divisor = !adaptive && a.countIncludePad !== false ? (h1 - h0) * (w1 - w0) : count;
        y[(pl * OH + oh) * OW + ow] = a.kind === 'max' ? best : total / divisor;
      }
  return { data: y, shape: [N, C, OH, OW] };
}
