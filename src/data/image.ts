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

export function rgbImage(width: number, height: number, data = new Uint8Array(width * height * 3)): RgbImage {
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
 * The taps of a 1-D bilinear resample from n to m samples: output i is centred at (i + ½)·n/m
 * in input coordinates; the triangle filter is widened by the scale when shrinking (support
 * max(n/m, 1)), so each output averages every input it covers instead of skipping pixels.
 * Weights are normalised to sum to 1 over the taps inside the image.
 */
export function resampleTaps(n: number, m: number): { start: number; weights: number[] }[] {
  const scale = n / m;
  const support = Math.max(scale, 1);
  return Array.from({ length: m }, (_, i) => {
    const centre = (i + 0.5) * scale;
    const start = Math.max(0, Math.floor(centre - support));
    const end = Math.min(n, Math.ceil(centre + support));
    const weights: number[] = [];
    for (let j = start; j < end; j++) weights.push(Math.max(0, 1 - Math.abs((j + 0.5 - centre) / support)));
    const total = weights.reduce((a, b) => a + b, 0);
    return { start, weights: weights.map((w) => w / total) };
  });
}

/** Bilinear resize to w×h (separable: rows, then columns), rounded to 8 bits at the end. */
export function resize(img: RgbImage, w: number, h: number): RgbImage {
  if (w === img.width && h === img.height) return img;
  const tx = resampleTaps(img.width, w);
  const ty = resampleTaps(img.height, h);
  const rows = new Float32Array(img.height * w * 3); // horizontal pass
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < w; x++) {
      const { start, weights } = tx[x]!;
      for (let c = 0; c < 3; c++) {
        let acc = 0;
        for (let k = 0; k < weights.length; k++) acc += weights[k]! * img.data[(y * img.width + start + k) * 3 + c]!;
        rows[(y * w + x) * 3 + c] = acc;
      }
    }
  }
  const out = rgbImage(w, h);
  for (let y = 0; y < h; y++) {
    const { start, weights } = ty[y]!;
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < 3; c++) {
        let acc = 0;
        for (let k = 0; k < weights.length; k++) acc += weights[k]! * rows[((start + k) * w + x) * 3 + c]!;
        out.data[(y * w + x) * 3 + c] = Math.min(255, Math.max(0, Math.round(acc)));
      }
    }
  }
  return out;
}
