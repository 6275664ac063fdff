// Converted data comes out as one gray channel; the learner takes RGB, so the gray value is
// repeated in r, g and b (what PIL's convert('RGB') does to an 'L' image).

import { rgbImage, type RgbImage } from '../data/image.js';

/** A gray image (width·height bytes, row-major) as RGB. */
export function grayToRgb(width: number, height: number, gray: Uint8Array): RgbImage {
  const img = rgbImage(width, height);
  for (let i = 0; i < gray.length; i++) img.data.fill(gray[i]!, 3 * i, 3 * i + 3);
  return img;
}

/** A value in [lo, hi] as a byte: lo → 0, hi → 255, rounded, clamped. */
export function toByte(v: number, lo: number, hi: number): number {
  return Math.min(255, Math.max(0, Math.round(((v - lo) / (hi - lo)) * 255)));
}
