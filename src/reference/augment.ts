// CPU reference for shaders/augment/augment.wgsl, in f64: the same projective bilinear resample
// with reflection, logit-space lighting and normalisation, written plainly for the tests.

import { reflectIndex } from '../data/image.js';


export function augmentRef(src: Float32Array, shape: [number, number, number, number], tfms: number[][], mean: number[], std: number[]): Float64Array {
  const [N, C, H, W] = shape;
  const out = new Float64Array(N * C * H * W);
  const unit = (i: number, n: number) => (n === 1 ? 0 : -1 + (2 * i) / (n - 1));
  for (let n = 0; n < N; n++) {
    const t = tfms[n]!;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const [xh, yh] = [unit(x, W), unit(y, H)];
        const u = t[0]! * xh + t[1]! * yh + t[2]!;
        const v = t[3]! * xh + t[4]! * yh + t[5]!;
        const w = t[6]! * xh + t[7]! * yh + t[8]!;
        const sx = reflectIndex(((u / w + 1) / 2) * (W - 1), W);
        const sy = reflectIndex(((v / w + 1) / 2) * (H - 1), H);
        const [x0, y0] = [Math.floor(sx), Math.floor(sy)];
        const [x1, y1] = [Math.min(x0 + 1, W - 1), Math.min(y0 + 1, H - 1)];
        const [fx, fy] = [sx - x0, sy - y0];
        for (let c = 0; c < C; c++) {
          const at = (yy: number, xx: number) => src[((n * C + c) * H + yy) * W + xx]!;
          let l = ((1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x1)) + fy * ((1 - fx) * at(y1, x0) + fx * at(y1, x1))) / 255;
          if (t[9]) {
            const q = Math.min(Math.max(l, 1e-7), 1 - 1e-7);
            l = 1 / (1 + Math.exp(-(Math.log(q / (1 - q)) + t[10]!) * t[11]!));
          }
          out[((n * C + c) * H + y) * W + x] = (l - mean[c]!) / std[c]!;
        }
      }
    }
  }
  return out;
}
