// The browser's ImageIO: images fetched by URL and decoded by the browser (createImageBitmap, so
// every format it knows), pixels read through an OffscreenCanvas; PNGs encoded the same way.
// Item transforms run on the main thread here.

import { WgslnetError } from '../gpu/errors.js';
import { rgbaToRgb, type RgbImage } from '../data/image.js';
import { applyItemTfms } from '../data/itemTransforms.js';
import type { ImageIO } from '../data/loader.js';

async function decodeBlob(blob: Blob, name: string): Promise<RgbImage> {
  let bmp: ImageBitmap;
  try {
    bmp = await createImageBitmap(blob);
  } catch (e) {
    throw new WgslnetError(`${name}: cannot decode image (${(e as Error).message})`);
  }
  const canvas = new OffscreenCanvas(bmp.width, bmp.height);
  const ctx = canvas.getContext('2d')!;
  ctx.drawImage(bmp, 0, 0);
  return rgbaToRgb(bmp.width, bmp.height, ctx.getImageData(0, 0, bmp.width, bmp.height).data);
}

export const browserImageIO: ImageIO = {
  async load(jobs) {
    return Promise.all(
      jobs.map(async (j) => {
        const r = await fetch(j.source);
        if (!r.ok) throw new WgslnetError(`${j.source}: HTTP ${r.status}`);
        return applyItemTfms(j.tfms, await decodeBlob(await r.blob(), j.source), j.seed, j.train);
      }),
    );
  },
  decode: (bytes, name) => decodeBlob(new Blob([bytes as Uint8Array<ArrayBuffer>]), name),
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
