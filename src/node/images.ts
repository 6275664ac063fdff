// Node's ImageIO: files listed with getImageFiles, decoded (with the item transforms) in a pool of
// worker threads — sharp when it loads, else pngjs/jpeg-js — PNGs written with pngjs. Also
// verifyImages, fastai's check for unreadable files.

import type { Decoder, ImageIO } from '../data/loader.js';
import { WgslnetError } from '../gpu/errors.js';
import { decodeImage, encodePng } from './decode.js';
import { DecodePool } from './decodePool.js';
import { getImageFiles } from './imageFiles.js';

let pool: DecodePool | null = null;
let workers: number | undefined;

/** The process's decode pool (made on first use). */
export const decodePool = () => (pool ??= new DecodePool({ size: workers }));

/**
 * Sets how many decode worker threads load images (default: WGSLNET_DECODE_WORKERS, else one per
 * core). Takes effect from the next load; a running pool is closed.
 */
export async function setDecodeWorkers(n: number): Promise<void> {
  if (!Number.isInteger(n) || n < 1) throw new WgslnetError(`setDecodeWorkers: need a positive integer, got ${n}`);
  workers = n;
  const old = pool;
  pool = null;
  await old?.close();
}

export const nodeImageIO: ImageIO = {
  load: (jobs, opts) => decodePool().load(jobs, opts),
  loadInto: (jobs, out, opts) => decodePool().loadInto(jobs, out, opts),
  decode: async (bytes, name) => decodeImage(bytes, name),
  encodePng: async (img) => encodePng(img),
  listImages: async (path) => getImageFiles(path),
};

/**
 * Decodes every file (in the worker pool, 256 at a time, with the decoder that will load them)
 * and returns the ones that fail, with the reason: fastai's verify_images. The CLI's --skip-bad
 * drops them.
 */
export async function verifyImages(files: string[], opts: { decoder?: Decoder } = {}): Promise<{ file: string; error: string }[]> {
  const bad: { file: string; error: string }[] = [];
  const job = (source: string) => ({ source, tfms: [], seed: 0, train: false });
  for (let s = 0; s < files.length; s += 256) {
    const chunk = files.slice(s, s + 256);
    const results = await Promise.allSettled(chunk.map((f) => decodePool().load([job(f)], opts)));
    for (const [i, r] of results.entries()) {
      if (r.status === 'fulfilled') continue;
      if (/^decoder 'sharp'/.test((r.reason as Error).message)) throw r.reason; // about the install, not the file
      bad.push({ file: chunk[i]!, error: (r.reason as Error).message });
    }
  }
  return bad;
}
