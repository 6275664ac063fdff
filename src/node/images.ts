// Node's ImageIO: files listed with getImageFiles, decoded (with the item transforms) in a pool of
// worker threads, PNGs written with pngjs. Also verifyImages, fastai's check for unreadable files.

import type { ImageIO } from '../data/loader.js';
import { decodeImage, encodePng } from './decode.js';
import { DecodePool } from './decodePool.js';
import { getImageFiles } from './imageFiles.js';

let pool: DecodePool | null = null;
const decodePool = () => (pool ??= new DecodePool());

export const nodeImageIO: ImageIO = {
  load: (jobs) => decodePool().load(jobs),
  decode: async (bytes, name) => decodeImage(bytes, name),
  encodePng: async (img) => encodePng(img),
  listImages: async (path) => getImageFiles(path),
};

/**
 * Decodes every file (in the worker pool, 256 at a time) and returns the ones that fail, with the
 * reason: fastai's verify_images. The CLI's --skip-bad drops them.
 */
export async function verifyImages(files: string[]): Promise<{ file: string; error: string }[]> {
  const bad: { file: string; error: string }[] = [];
  for (let s = 0; s < files.length; s += 256) {
    const chunk = files.slice(s, s + 256);
    try {
      await decodePool().load(chunk.map((source) => ({ source, tfms: [], seed: 0, train: false })));
    } catch {
      // Some file in the chunk failed: find which, one by one.
      for (const source of chunk) {
        await decodePool()
          .load([{ source, tfms: [], seed: 0, train: false }])
          .catch((e: Error) => bad.push({ file: source, error: e.message }));
      }
    }
  }
  return bad;
}
