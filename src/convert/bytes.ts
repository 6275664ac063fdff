// Bytes → image, as Nataraj, Karthikeyan, Jacob and Manjunath, "Malware images: visualization and
// automatic classification" (VizSec 2011): the file read as 8-bit gray pixels, row by row, so the
// pixel at (row, column) is byte row·width + column; the last row is padded with zeros. The width
// comes from the file size by the paper's Table 1 (or is given), so files of a kind keep a similar
// texture whatever their size. An optional resize (the pipeline's antialiasing bilinear, as PIL's)
// brings every image to size × size for a batch. A pure memory reshape: no kernel is needed.

import { WgslnetError } from '../gpu/errors.js';
import { resize, type RgbImage } from '../data/image.js';
import { grayToRgb } from './grayImage.js';

/** Nataraj et al. 2011, Table 1: [file size below (kB, 1 kB = 1024 bytes), image width]. */
export const NATARAJ_WIDTHS: readonly (readonly [number, number])[] = [
  [10, 32],
  [30, 64],
  [60, 128],
  [100, 256],
  [200, 384],
  [500, 512],
  [1000, 768],
  [Infinity, 1024],
];

/** The image width for a file of `bytes` bytes, by Table 1. */
export function natarajWidth(bytes: number): number {
  return NATARAJ_WIDTHS.find(([below]) => bytes < below * 1024)![1];
}

export interface BytesImageOptions {
  /** Pixels per row (default: by file size, Nataraj et al.'s Table 1). */
  width?: number;
  /** Resize the result to size × size (default: keep width × ⌈length / width⌉). */
  size?: number;
}

/** A file's bytes as a gray image (as RGB). `name` goes into errors. */
export function bytesImage(bytes: Uint8Array, name: string, o: BytesImageOptions = {}): RgbImage {
  if (!bytes.length) throw new WgslnetError(`${name}: empty file, no bytes to draw`);
  const width = o.width ?? natarajWidth(bytes.length);
  if (!Number.isInteger(width) || width < 1) throw new WgslnetError(`bytes image: width must be a positive integer, got ${width}`);
  const height = Math.ceil(bytes.length / width);
  const gray = new Uint8Array(width * height); // zeros pad the last row
  gray.set(bytes);
  const img = grayToRgb(width, height, gray);
  if (o.size === undefined) return img;
  if (!Number.isInteger(o.size) || o.size < 1) throw new WgslnetError(`bytes image: size must be a positive integer, got ${o.size}`);
  return resize(img, o.size, o.size);
}
