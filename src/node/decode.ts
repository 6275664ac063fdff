// Image decoding in Node: PNG through pngjs (every colour type and bit depth, interlaced or not),
// JPEG through jpeg-js (baseline, progressive, grayscale, CMYK). The format is read from the file's
// first bytes, not its name. Everything becomes 8-bit RGB; alpha is dropped, as PIL's convert('RGB').

import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { WgslnetError } from '../gpu/errors.js';
import { rgbaToRgb, rgbImage, type RgbImage } from '../data/image.js';

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47];
const JPEG_MAGIC = [0xff, 0xd8, 0xff];

const startsWith = (b: Uint8Array, magic: number[]) => magic.every((v, i) => b[i] === v);

/** The format the first bytes say (both decoders go by this, never by the file name). */
export function imageFormat(bytes: Uint8Array): 'png' | 'jpeg' | null {
  return startsWith(bytes, PNG_MAGIC) ? 'png' : startsWith(bytes, JPEG_MAGIC) ? 'jpeg' : null;
}

/** The error for bytes that are neither PNG nor JPEG. */
export function notAnImage(bytes: Uint8Array, name: string): WgslnetError {
  return new WgslnetError(`${name}: not a PNG or JPEG file (first bytes ${[...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ') || 'none: the file is empty'})`);
}

/** Decodes PNG or JPEG bytes; `name` (the file) goes into every error. */
export function decodeImage(bytes: Uint8Array, name: string): RgbImage {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const format = imageFormat(bytes);
  if (format === 'png') {
    try {
      // pngjs expands gray, gray+alpha, palette and 16-bit images to 8-bit RGBA.
      const png = PNG.sync.read(buf);
      return rgbaToRgb(png.width, png.height, png.data);
    } catch (e) {
      throw new WgslnetError(`${name}: corrupt or truncated PNG (${(e as Error).message})`);
    }
  }
  if (format === 'jpeg') {
    let img: { width: number; height: number; data: Uint8Array };
    try {
      img = jpeg.decode(buf, { useTArray: true, formatAsRGBA: false, tolerantDecoding: false, maxMemoryUsageInMB: 1024 });
    } catch (e) {
      throw new WgslnetError(`${name}: corrupt or truncated JPEG (${(e as Error).message})`);
    }
    if (!img.width || !img.height || img.data.length !== img.width * img.height * 3) {
      throw new WgslnetError(`${name}: corrupt JPEG (decoded ${img.width}×${img.height} with ${img.data.length} bytes)`);
    }
    return rgbImage(img.width, img.height, new Uint8Array(img.data.buffer as ArrayBuffer, img.data.byteOffset, img.data.byteLength));
  }
  throw notAnImage(bytes, name);
}

/** Encodes 8-bit RGB as a PNG. */
export function encodePng(img: RgbImage): Uint8Array {
  const png = new PNG({ width: img.width, height: img.height, colorType: 2, inputColorType: 2, inputHasAlpha: false });
  png.data = Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength);
  return new Uint8Array(PNG.sync.write(png, { colorType: 2, inputColorType: 2, inputHasAlpha: false }));
}
