// RgbImage: 8-bit RGB pixels, row-major, interleaved (r, g, b per pixel) — what every decoder here
// produces and every item transform takes. Plus the three pixel operations item transforms are
// made of: crop, reflection pad, and a bilinear resize that antialiases when shrinking (as PIL's
// Image.resize(BILINEAR), which fastai's Resize calls).

import { WgslnetError } from '../gpu/errors.js';

export interface RgbImage {
  width: number;
  height: number;
  /** width · height · 3 bytes: r, g, b of pixel (x, y) at 3·(y·width + x). */
  data: Uint8Array;
}

export function rgbImage(width: number, height: number, data: Uint8Array = new Uint8Array(width * height * 3)): RgbImage {
  if (data.length !== width * height * 3) throw new WgslnetError(`image: ${width}×${height} RGB needs ${width * height * 3} bytes, got ${data.length}`);
  return { width, height, data };
}

/** Drops the alpha channel of 8-bit RGBA pixels (as PIL's convert('RGB')). */
export function rgbaToRgb(width: number, height: number, rgba: Uint8Array | Uint8ClampedArray): RgbImage {
  const out = rgbImage(width, height);
  for (let i = 0; i < width * height; i++) out.data.set(rgba.subarray(i * 4, i * 4 + 3), i * 3);
  return out;
}

/** Same-size images as one planar batch [N, 3, H, W] of 0–255 values (f32, for the GPU upload). */
export function toPlanes(images: RgbImage[]): Float32Array {
  const { width: W, height: H } = images[0]!;
  const planes = new Float32Array(images.length * 3 * H * W);
  images.forEach((im, n) => {
    for (let p = 0; p < H * W; p++) for (let c = 0; c < 3; c++) planes[(n * 3 + c) * H * W + p] = im.data[p * 3 + c]!;
  });
  return planes;
}

/** The window [x0, x0 + w) × [y0, y0 + h), which must lie inside the image. */
export function crop(img: RgbImage, x0: number, y0: number, w: number, h: number): RgbImage {
  if (x0 < 0 || y0 < 0 || x0 + w > img.width || y0 + h > img.height) {
    throw new WgslnetError(`crop: window ${w}×${h} at (${x0}, ${y0}) is outside the ${img.width}×${img.height} image`);
  }
  const out = rgbImage(w, h);
  for (let y = 0; y < h; y++) out.data.set(img.data.subarray(((y0 + y) * img.width + x0) * 3, ((y0 + y) * img.width + x0 + w) * 3), y * w * 3);
  return out;
}

/**
 * Coordinate i mirrored into [0, n − 1] about the edge pixels' centres (PyTorch's 'reflect'
 * padding; grid_sample's reflection with align_corners). Works for fractional i too.
 */
export function reflectIndex(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  const m = Math.abs(i) % period;
  return m > n - 1 ? period - m : m;
}

/** Pads by reflection to w×h, the image centred (the extra pixel, if odd, goes right/bottom). */
export function padReflect(img: RgbImage, w: number, h: number): RgbImage {
  const left = Math.floor((w - img.width) / 2);
  const top = Math.floor((h - img.height) / 2);
  const out = rgbImage(w, h);
  for (let y = 0; y < h; y++) {
    const sy = reflectIndex(y - top, img.height);
    for (let x = 0; x < w; x++) {
      const s = (sy * img.width + reflectIndex(x - left, img.width)) * 3;
      const d = (y * w + x) * 3;
      out.data[d] = img.data[s]!;
      out.data[d + 1] = img.data[s + 1]!;
      out.data[d + 2] = img.data[s + 2]!;
    }
  }
  return out;
}

/**
 * The taps of a 1-D bilinear resample of the window [from, from + extent) of n samples (default:
 * all of them) to m samples: output i is centred at from + (i + ½)·extent/m in input coordinates;
 * the triangle filter is widened by the scale when shrinking (support max(extent/m, 1)), so each
 * output averages every input it covers instead of skipping pixels. Only inputs whose centres lie
 * in the window are used (as if it had been cut out first), weights normalised to sum to 1. The
 * window may be fractional (the sharp path resamples a shrunk image with it).
 */
export function resampleTaps(n: number, m: number, from = 0, extent = n): { start: number; weights: number[] }[] {
  const scale = extent / m;
  const support = Math.max(scale, 1);
  const [lo, hi] = [Math.max(0, Math.ceil(from - 0.5)), Math.min(n, Math.ceil(from + extent - 0.5))];
  return Array.from({ length: m }, (_, i) => {
    const centre = from + (i + 0.5) * scale;
    const start = Math.max(lo, Math.floor(centre - support));
    const end = Math.min(hi, Math.ceil(centre + support));
    const weights: number[] = [];
    for (let j = start; j < end; j++) weights.push(Math.max(0, 1 - Math.abs((j + 0.5 - centre) / support)));
    const total = weights.reduce((a, b) => a + b, 0);
    return { start, weights: weights.map((w) => w / total) };
  });
}

/** A window of an image in pixel coordinates, possibly fractional: [x, x + width) × [y, y + height). */
export interface Window {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Bilinear resize to w×h (separable: rows, then columns), rounded to 8 bits at the end; of the
 * whole image, or of `win` (the same as cutting an integer window out first, then resizing).
 */
export function resize(img: RgbImage, w: number, h: number, win?: Window): RgbImage {
  if (!win && w === img.width && h === img.height) return img;
  const tx = win ? resampleTaps(img.width, w, win.x, win.width) : resampleTaps(img.width, w);
  const ty = win ? resampleTaps(img.height, h, win.y, win.height) : resampleTaps(img.height, h);
  // The horizontal pass covers only the rows the vertical taps read. Both passes add the taps in
  // the same order per channel as a textbook loop would (so the same bits), but do the three
  // channels of a pixel, and then whole rows, per tap: a third of the index arithmetic, and
  // straight runs of memory for the vertical pass.
  const y0 = ty[0]!.start;
  const y1 = Math.max(...ty.map((t) => t.start + t.weights.length));
  const rowLen = w * 3;
  const rows = new Float32Array((y1 - y0) * rowLen);
  const src = img.data;
  for (let y = y0; y < y1; y++) {
    const inRow = y * img.width * 3;
    const outRow = (y - y0) * rowLen;
    for (let x = 0; x < w; x++) {
      const { start, weights } = tx[x]!;
      let r = 0;
      let g = 0;
      let b = 0;
      for (let k = 0, at = inRow + start * 3; k < weights.length; k++, at += 3) {
        const wk = weights[k]!;
        r += wk * src[at]!;
        g += wk * src[at + 1]!;
        b += wk * src[at + 2]!;
      }
      rows[outRow + x * 3] = r;
      rows[outRow + x * 3 + 1] = g;
      rows[outRow + x * 3 + 2] = b;
    }
  }
  const out = rgbImage(w, h);
  const acc = new Float64Array(rowLen);
  for (let y = 0; y < h; y++) {
    const { start, weights } = ty[y]!;
    acc.fill(0);
    for (let k = 0; k < weights.length; k++) {
      const wk = weights[k]!;
      const from = (start - y0 + k) * rowLen;
      for (let i = 0; i < rowLen; i++) acc[i] = acc[i]! + wk * rows[from + i]!;
    }
    const to = y * rowLen;
    for (let i = 0; i < rowLen; i++) out.data[to + i] = Math.min(255, Math.max(0, Math.round(acc[i]!)));
  }
  return out;
}
