// The browser's ImageIO: images fetched by URL and decoded by the browser (createImageBitmap, so
// every format it knows), pixels read through an OffscreenCanvas; PNGs encoded the same way. It
// uses nothing a Web Worker lacks (no document, no window), so the training worker loads its own
// batches.
//
// Item transforms (decoder 'auto'): itemTransforms.ts plans the window; createImageBitmap cuts it
// and resizes it where its resize means the JS path's (bitmapPlan): enlarging, and shrinking by
// powers of two down to twice the target; the JS resampler does the rest on those few pixels.
// Within 8 levels of the Node JS path, mean under 1 (test/browser.test.ts). Reflection padding,
// and every transform with decoder 'js', run in JS. Colour is left as encoded (no colour-space
// conversion), as PIL and the Node decoders leave it.

import { WgslnetError } from '../gpu/errors.js';
import { crop, resize, rgbaToRgb, type RgbImage, type Window } from '../data/image.js';
import { planItemTfm, runPlan, type TfmPlan } from '../data/itemTransforms.js';
import type { ImageIO, LoadJob, LoadOptions } from '../data/loader.js';
import { Rng } from '../tensor/random.js';

const DECODE = { colorSpaceConversion: 'none', premultiplyAlpha: 'none' } as const;

async function decodeBitmap(blob: Blob, name: string): Promise<ImageBitmap> {
  try {
    return await createImageBitmap(blob, DECODE);
  } catch (e) {
    throw new WgslnetError(`${name}: cannot decode image (${(e as Error).message})`);
  }
}

/** The bitmap's RGB pixels; the bitmap is closed (its memory freed now, not at the next GC). */
function pixels(bmp: ImageBitmap): RgbImage {
  const canvas = new OffscreenCanvas(bmp.width, bmp.height);
  const ctx = canvas.getContext('2d')!;
  ctx.drawImage(bmp, 0, 0);
  const img = rgbaToRgb(bmp.width, bmp.height, ctx.getImageData(0, 0, bmp.width, bmp.height).data);
  bmp.close();
  return img;
}

const cutBitmap = (bmp: ImageBitmap, w: Window) => createImageBitmap(bmp, w.x, w.y, w.width, w.height, DECODE);

/** A bitmap cut and shrunk; `rest`: the resize the JS resampler still has to do. */
interface BitmapStep {
  bmp: ImageBitmap;
  rest?: [number, number];
}

/**
 * A plan carried out with createImageBitmap where it means the same (measured, test/browser.test.ts):
 * the cuts are exact, enlarging is bilinear in both; shrinking is not the same (Chromium samples
 * bilinearly between mipmap levels, where the JS path's triangle filter averages every pixel it
 * covers), so a bitmap only shrinks by powers of two, to the mipmap level at least twice the
 * target, and the JS resampler does the rest on those few pixels. Null: the plan runs in JS
 * (reflection padding has no bitmap equivalent).
 */
async function bitmapPlan(bmp: ImageBitmap, p: TfmPlan): Promise<BitmapStep | null> {
  if (p.pad) return null;
  let b = bmp;
  const step = async (next: Promise<ImageBitmap>) => {
    const n = await next;
    if (b !== bmp) b.close(); // intermediate bitmaps: freed now
    b = n;
  };
  if (p.crop && (p.crop.width !== b.width || p.crop.height !== b.height)) await step(cutBitmap(b, p.crop));
  const [w, h] = p.resize;
  const level = (from: number, to: number) => (to >= from ? to : Math.round(from / 2 ** Math.max(0, Math.floor(Math.log2(from / (2 * to))))));
  const [iw, ih] = [level(b.width, w), level(b.height, h)];
  if (iw !== b.width || ih !== b.height) await step(createImageBitmap(b, { ...DECODE, resizeWidth: iw, resizeHeight: ih, resizeQuality: 'medium' }));
  return { bmp: b, rest: iw !== w || ih !== h ? [w, h] : undefined };
}

/** One image: fetched, decoded, transformed (by the bitmap where that matches, else in JS). */
async function loadOne(j: LoadJob, opts: LoadOptions): Promise<RgbImage> {
  if (opts.decoder === 'sharp') throw new WgslnetError(`${j.source}: decoder 'sharp' runs in Node only; use 'auto' or 'js' in a browser`);
  const r = await fetch(j.source);
  if (!r.ok) throw new WgslnetError(`${j.source}: HTTP ${r.status}`);
  let bmp: ImageBitmap | null = await decodeBitmap(await r.blob(), j.source);
  let img: RgbImage | null = null;
  const rng = new Rng(j.seed);
  for (const t of j.tfms) {
    const [W, H] = bmp ? [bmp.width, bmp.height] : [img!.width, img!.height];
    const plan = planItemTfm(t, W, H, rng, j.train);
    const done: BitmapStep | null = bmp && opts.decoder !== 'js' ? await bitmapPlan(bmp, plan) : null;
    if (!done) {
      img = runPlan(img ?? pixels(bmp!), plan);
      bmp = null;
      continue;
    }
    if (done.bmp !== bmp) bmp!.close();
    bmp = done.bmp;
    if (done.rest || plan.after) {
      img = pixels(bmp);
      bmp = null;
      if (done.rest) img = resize(img, done.rest[0], done.rest[1]);
      if (plan.after) img = crop(img, plan.after.x, plan.after.y, plan.after.width, plan.after.height);
    }
  }
  return img ?? pixels(bmp!);
}

export const browserImageIO: ImageIO = {
  load: (jobs, opts = {}) => Promise.all(jobs.map((j) => loadOne(j, opts))),
  decode: async (bytes, name) => pixels(await decodeBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>]), name)),
  async encodePng(img) {
    const canvas = new OffscreenCanvas(img.width, img.height);
    const ctx = canvas.getContext('2d')!;
    const data = ctx.createImageData(img.width, img.height);
    for (let i = 0; i < img.width * img.height; i++) {
      data.data.set(img.data.subarray(i * 3, i * 3 + 3), i * 4);
      data.data[i * 4 + 3] = 255;
    }
    ctx.putImageData(data, 0, 0);
    return new Uint8Array(await (await canvas.convertToBlob({ type: 'image/png' })).arrayBuffer());
  },
  async listImages(path) {
    throw new WgslnetError(`${path}: a browser cannot list folders; pass the image URLs to ImageDataLoaders.fromLists or fromNameFunc`);
  },
};
