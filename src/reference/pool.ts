// Pooling in plain loops, f64: fixed windows (max / average) and adaptive windows.

import type { Ref } from './index.js';

export interface PoolArgs {
  kind: 'max' | 'avg';
  /** Fixed windows; omit for adaptive. */
  kernel?: [number, number];
  stride?: [number, number];
  padding?: [number, number];
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
  const OH = adaptive ? a.out![0] : Math.floor((H + 2 * ph - kh) / sh) + 1;
  const OW = adaptive ? a.out![1] : Math.floor((W + 2 * pw - kw) / sw) + 1;
  const win = (o: number, n: number, outN: number, k: number, s: number, p: number): [number, number] =>
    adaptive ? [Math.floor((o * n) / outN), Math.ceil(((o + 1) * n) / outN)] : [o * s - p, o * s - p + k];
  const y = new Float64Array(N * C * OH * OW);
  for (let pl = 0; pl < N * C; pl++)
    for (let oh = 0; oh < OH; oh++)
      for (let ow = 0; ow < OW; ow++) {
        const [h0, h1] = win(oh, H, OH, kh, sh, ph);
        const [w0, w1] = win(ow, W, OW, kw, sw, pw);
        let best = -Infinity;
        let total = 0;
        let count = 0;
        for (let ih = Math.max(h0, 0); ih < Math.min(h1, H); ih++)
          for (let iw = Math.max(w0, 0); iw < Math.min(w1, W); iw++) {
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
