// How images get from storage to pixels: the platform supplies an ImageIO (Node: files decoded in
// worker threads with pngjs/jpeg-js; browser: fetch + createImageBitmap). The data loaders, plots
// and predict() call only this, so the core never touches node:fs or the DOM.

import { WgslnetError } from '../gpu/errors.js';
import type { RgbImage } from './image.js';
import { applyItemTfms, type ItemTfm } from './itemTransforms.js';

/** One image to load: where it is, the item transforms, this item's random seed, and the split. */
export interface LoadJob {
  source: string;
  tfms: ItemTfm[];
  seed: number;
  train: boolean;
}

export interface ImageIO {
  /** Loads, decodes and transforms the images, in order (in parallel where the platform can). */
  load(jobs: LoadJob[]): Promise<RgbImage[]>;
  /** Decodes encoded bytes (PNG or JPEG); `name` goes into errors. */
  decode(bytes: Uint8Array, name: string): Promise<RgbImage>;
  /** Every image file under a folder, recursively, sorted (getImageFiles). */
  listImages(path: string): Promise<string[]>;
  /** Encodes RGB pixels as a PNG file's bytes. */
  encodePng(img: RgbImage): Promise<Uint8Array>;
}

let io: ImageIO | null = null;

export function setImageIO(i: ImageIO): void {
  io = i;
}

export function imageIO(): ImageIO {
  if (!io) throw new WgslnetError('images: no image decoder installed (import wgslnet/node in Node, or the browser entry in a page)');
  return io;
}

/** Images held in memory under item names (ImageDataLoaders.fromImages): no file is read for them. */
export type MemoryImages = ReadonlyMap<string, RgbImage>;

/**
 * Loads jobs through the platform's ImageIO, except those whose source names an image in
 * `memory`: those only get their item transforms, here (they are small, already decoded).
 */
export async function loadImages(jobs: LoadJob[], memory?: MemoryImages): Promise<RgbImage[]> {
  if (!memory) return imageIO().load(jobs);
  const out = new Array<RgbImage>(jobs.length);
  const rest: number[] = [];
  jobs.forEach((j, k) => {
    const img = memory.get(j.source);
    if (img) out[k] = applyItemTfms(j.tfms, img, j.seed, j.train);
    else rest.push(k);
  });
  if (rest.length) (await imageIO().load(rest.map((k) => jobs[k]!))).forEach((img, i) => (out[rest[i]!] = img));
  return out;
}
