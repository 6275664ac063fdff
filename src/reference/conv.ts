// conv2d in plain loops, f64: the definition every conv kernel is tested against.

import type { Ref } from './index.js';

export interface ConvArgs {
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  groups: number;
}

export function conv2d(x: Float64Array, xs: number[], w: Float64Array, ws: number[], b: Float64Array | null, a: ConvArgs): Ref {
  const [N, C, H, W] = xs as [number, number, number, number];
  const [O, Cg, KH, KW] = ws as [number, number, number, number];
  const [sh, sw] = a.stride;
  const [ph, pw] = a.padding;
  const [dh, dw] = a.dilation;
  const OH = Math.floor((H + 2 * ph - dh * (KH - 1) - 1) / sh) + 1;
  const OW = Math.floor((W + 2 * pw - dw * (KW - 1) - 1) / sw) + 1;
  const Og = O / a.groups;
  const y = new Float64Array(N * O * OH * OW);
  for (let n = 0; n < N; n++)
    for (let o = 0; o < O; o++)
      for (let oh = 0; oh < OH; oh++)
        for (let ow = 0; ow < OW; ow++) {
          let s = b ? b[o]! : 0;
          const g = Math.floor(o / Og);
          for (let c = 0; c < Cg; c++)
            for (let kh = 0; kh < KH; kh++)
              for (let kw = 0; kw < KW; kw++) {
                const ih = oh * sh - ph + kh * dh;
                const iw = ow * sw - pw + kw * dw;
                if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                s += x[((n * C + g * Cg + c) * H + ih) * W + iw]! * w[((o * Cg + c) * KH + kh) * KW + kw]!;
              }
          y[((n * O + o) * OH + oh) * OW + ow] = s;
        }
  return { data: y, shape: [N, O, OH, OW] };
}

/**
 * Both gradients of conv2d at once, by the same loops run backwards: every product
 * x[n, c, ih, iw] · w[o, c, kh, kw] that added to y[n, o, oh, ow] sends dy[n, o, oh, ow] back
 * to dx (times w) and to dw (times x).
 */
export function conv2dGrads(x: Float64Array, xs: number[], w: Float64Array, ws: number[], dy: Float64Array, a: ConvArgs): { dx: Ref; dw: Ref } {
  const [N, C, H, W] = xs as [number, number, number, number];
  const [O, Cg, KH, KW] = ws as [number, number, number, number];
  const [sh, sw] = a.stride;
  const [ph, pw] = a.padding;
  const [dh, dwl] = a.dilation;
  const OH = Math.floor((H + 2 * ph - dh * (KH - 1) - 1) / sh) + 1;
  const OW = Math.floor((W + 2 * pw - dwl * (KW - 1) - 1) / sw) + 1;
  const Og = O / a.groups;
  const dx = new Float64Array(x.length);
  const dw = new Float64Array(w.length);
  for (let n = 0; n < N; n++)
    for (let o = 0; o < O; o++)
      for (let oh = 0; oh < OH; oh++)
        for (let ow = 0; ow < OW; ow++) {
          const g = dy[((n * O + o) * OH + oh) * OW + ow]!;
          const grp = Math.floor(o / Og);
          for (let c = 0; c < Cg; c++)
            for (let kh = 0; kh < KH; kh++)
              for (let kw = 0; kw < KW; kw++) {
                const ih = oh * sh - ph + kh * dh;
                const iw = ow * sw - pw + kw * dwl;
                if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                const xi = ((n * C + grp * Cg + c) * H + ih) * W + iw;
                const wi = ((o * Cg + c) * KH + kh) * KW + kw;
                dx[xi] = dx[xi]! + g * w[wi]!;
                dw[wi] = dw[wi]! + g * x[xi]!;
              }
        }
  return { dx: { data: dx, shape: [...xs] }, dw: { data: dw, shape: [...ws] } };
}
