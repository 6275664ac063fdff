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
 * The input gradient of conv2d, f64: every output pixel sends dy · w back to each input pixel it
 * read (the transpose of the forward's gather). dx has the input's shape.
 */
export function conv2dInputGrad(dy: Float64Array, xs: number[], w: Float64Array, ws: number[], a: ConvArgs): Ref {
  const [N, C, H, W] = xs as [number, number, number, number];
  const [O, Cg, KH, KW] = ws as [number, number, number, number];
  const { OH, OW } = outShape(xs, ws, a);
  const Og = O / a.groups;
  const dx = new Float64Array(N * C * H * W);
  forEachTap(N, O, OH, OW, Cg, KH, KW, Og, H, W, a, (n, o, oh, ow, c, kh, kw, ih, iw, g) => {
    dx[((n * C + g * Cg + c) * H + ih) * W + iw]! += dy[((n * O + o) * OH + oh) * OW + ow]! * w[((o * Cg + c) * KH + kh) * KW + kw]!;
  });
  return { data: dx, shape: [N, C, H, W] };
}

/** The weight gradient of conv2d, f64: dw[o, c, kh, kw] = Σ_{n, oh, ow} dy[n, o, oh, ow] · x[n, g·Cg + c, ih, iw]. */
export function conv2dWeightGrad(dy: Float64Array, x: Float64Array, xs: number[], ws: number[], a: ConvArgs): Ref {
  const [N, C, H, W] = xs as [number, number, number, number];
  const [O, Cg, KH, KW] = ws as [number, number, number, number];
  const { OH, OW } = outShape(xs, ws, a);
  const Og = O / a.groups;
  const dw = new Float64Array(O * Cg * KH * KW);
  forEachTap(N, O, OH, OW, Cg, KH, KW, Og, H, W, a, (n, o, oh, ow, c, kh, kw, ih, iw, g) => {
    dw[((o * Cg + c) * KH + kh) * KW + kw]! += dy[((n * O + o) * OH + oh) * OW + ow]! * x[((n * C + g * Cg + c) * H + ih) * W + iw]!;
  });
  return { data: dw, shape: [O, Cg, KH, KW] };
}

function outShape(xs: number[], ws: number[], a: ConvArgs): { OH: number; OW: number } {
  const [, , H, W] = xs as [number, number, number, number];
  const [, , KH, KW] = ws as [number, number, number, number];
  return {
    OH: Math.floor((H + 2 * a.padding[0] - a.dilation[0] * (KH - 1) - 1) / a.stride[0]) + 1,
    OW: Math.floor((W + 2 * a.padding[1] - a.dilation[1] * (KW - 1) - 1) / a.stride[1]) + 1,
  };
}

/** Calls f for every (output pixel, tap) pair that reads an in-range input pixel (ih, iw). */
function forEachTap(
  N: number, O: number, OH: number, OW: number, Cg: number, KH: number, KW: number, Og: number, H: number, W: number, a: ConvArgs,
  f: (n: number, o: number, oh: number, ow: number, c: number, kh: number, kw: number, ih: number, iw: number, g: number) => void,
): void {
  for (let n = 0; n < N; n++)
    for (let o = 0; o < O; o++)
      for (let oh = 0; oh < OH; oh++)
        for (let ow = 0; ow < OW; ow++)
          for (let c = 0; c < Cg; c++)
            for (let kh = 0; kh < KH; kh++)
              for (let kw = 0; kw < KW; kw++) {
                const ih = oh * a.stride[0] - a.padding[0] + kh * a.dilation[0];
                const iw = ow * a.stride[1] - a.padding[1] + kw * a.dilation[1];
                if (ih >= 0 && ih < H && iw >= 0 && iw < W) f(n, o, oh, ow, c, kh, kw, ih, iw, Math.floor(o / Og));
              }
}
