// How images get from storage to pixels: the platform supplies an ImageIO (Node: files decoded in
// worker threads with sharp, or pngjs/jpeg-js; browser: fetch + createImageBitmap). The data
// loaders, plots and predict() call only this, so the core never touches node:fs or the DOM.

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

/**
 * Which decoder runs the item transforms. Node: 'sharp' (libvips; fast), 'js' (pngjs, jpeg-js and
 * the JS transforms; always there), 'auto' = sharp when it loads. Browser: 'auto' lets
 * createImageBitmap resize where that matches the transform, 'js' runs the JS transforms on its
 * full-size decode.
 */
export type Decoder = 'auto' | 'sharp' | 'js';

export const DECODERS: readonly Decoder[] = ['auto', 'sharp', 'js'];

export interface LoadOptions {
  decoder?: Decoder;
}

/** Where a batch of same-size images goes: image n's bytes at n·width·height·3. */
export interface BatchTarget {
  data: Uint8Array;
  width: number;
  height: number;
}

export interface ImageIO {
  /** Loads, decodes and transforms the images, in order (in parallel where the platform can). */
  load(jobs: LoadJob[], opts?: LoadOptions): Promise<RgbImage[]>;
  /**
   * As load, writing each image into `out` (every one must come out width×height). Optional:
   * without it, loadInto() below copies load()'s images.
   */
  loadInto?(jobs: LoadJob[], out: BatchTarget, opts?: LoadOptions): Promise<void>;
  /** Decodes encoded bytes (PNG or JPEG); `name` goes into errors. */
  decode(bytes: Uint8Array, name: string): Promise<RgbImage>;
  /** Every image file under a folder, recursively, sorted (getImageFiles). */
  listImages(path: string): Promise<string[]>;
  /** Encodes RGB pixels as a PNG file's bytes. */
  encodePng(img: RgbImage): Promise<Uint8Array>;
}

/**
 * Loads the images straight into `out`, through the platform's loadInto or a copy of load()
 * (always the copy when some come from `memory`, ImageDataLoaders.fromImages' images).
 */
export async function loadInto(jobs: LoadJob[], out: BatchTarget, opts: LoadOptions = {}, memory?: MemoryImages): Promise<void> {
  const platform = imageIO();
  if (platform.loadInto && !memory) return platform.loadInto(jobs, out, opts);
  const images = await loadImages(jobs, memory, opts);
  images.forEach((im, n) => {
    if (im.width !== out.width || im.height !== out.height) throw sizeMismatch(jobs[n]!.source, im, out);
    out.data.set(im.data, n * out.width * out.height * 3);
  });
}

/** The error for an image whose item transforms did not give the batch's size. */
export function sizeMismatch(source: string, im: { width: number; height: number }, out: { width: number; height: number }): WgslnetError {
  return new WgslnetError(`batch: ${source} came out ${im.width}×${im.height} but the batch is ${out.width}×${out.height}; end the item transforms with a Resize(size)`);
}

export function checkDecoder(d: unknown, where: string): Decoder {
  if (!DECODERS.includes(d as Decoder)) throw new WgslnetError(`${where}: decoder must be 'auto', 'sharp' or 'js', got ${JSON.stringify(d)}`);
  return d as Decoder;
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
export async function loadImages(jobs: LoadJob[], memory?: MemoryImages, opts: LoadOptions = {}): Promise<RgbImage[]> {
  if (!memory) return imageIO().load(jobs, opts);
  const out = new Array<RgbImage>(jobs.length);
  const rest: number[] = [];
  jobs.forEach((j, k) => {
    const img = memory.get(j.source);
    if (img) out[k] = applyItemTfms(j.tfms, img, j.seed, j.train);
    else rest.push(k);
  });
  if (rest.length) (await imageIO().load(rest.map((k) => jobs[k]!), opts)).forEach((img, i) => (out[rest[i]!] = img));
  return out;
}
