// Item transforms: per image, on the CPU, before batching (fastai's item_tfms). Each is a plain
// object (so it can be sent to a decode worker and saved in an exported learner); applyItemTfms
// runs them. Randomness comes from an Rng the caller seeds per item, so a run is reproducible.

import { WgslnetError } from '../gpu/errors.js';
import { Rng } from '../tensor/random.js';
import { crop, padReflect, resize, type RgbImage } from './image.js';

export type ResizeMethod = 'crop' | 'pad' | 'squish';

export interface ResizeTfm {
  kind: 'resize';
  /** [height, width] */
  size: [number, number];
  method: ResizeMethod;
}

export interface RandomResizedCropTfm {
  kind: 'randomResizedCrop';
  size: [number, number];
  minScale: number;
  ratio: [number, number];
  /** Validation resizes to size·(1 + valXtra), rounded up to a multiple of 8, then centre-crops. */
  valXtra: number;
}

export type ItemTfm = ResizeTfm | RandomResizedCropTfm;

function sizePair(size: number | [number, number], what: string): [number, number] {
  const s: [number, number] = typeof size === 'number' ? [size, size] : size;
  if (!s.every((d) => Number.isInteger(d) && d > 0)) throw new WgslnetError(`${what}: size must be a positive integer or [height, width], got ${JSON.stringify(size)}`);
  return s;
}

/**
 * fastai's Resize: `crop` (default) cuts the largest window of the target aspect ratio (random
 * position in training, centred in validation) then resizes; `pad` pads by reflection to the
 * aspect ratio, then resizes; `squish` resizes, ignoring the aspect ratio.
 */
export function Resize(size: number | [number, number], opts: { method?: ResizeMethod } = {}): ResizeTfm {
  const method = opts.method ?? 'crop';
  if (!['crop', 'pad', 'squish'].includes(method)) throw new WgslnetError(`Resize: method must be 'crop', 'pad' or 'squish', got '${method}'`);
  return { kind: 'resize', size: sizePair(size, 'Resize'), method };
}

/** fastai's RandomResizedCrop(size, min_scale = 0.08, ratio = (3/4, 4/3)). */
export function RandomResizedCrop(size: number | [number, number], opts: { minScale?: number; ratio?: [number, number]; valXtra?: number } = {}): RandomResizedCropTfm {
  return { kind: 'randomResizedCrop', size: sizePair(size, 'RandomResizedCrop'), minScale: opts.minScale ?? 0.08, ratio: opts.ratio ?? [3 / 4, 4 / 3], valXtra: opts.valXtra ?? 0.14 };
}

function applyResize(t: ResizeTfm, img: RgbImage, rng: Rng, train: boolean): RgbImage {
  const [h, w] = t.size;
  if (t.method === 'squish') return resize(img, w, h);
  if (t.method === 'pad') {
    // The smallest canvas of the target aspect ratio that holds the whole image.
    const scale = Math.max(img.width / w, img.height / h);
    const padded = padReflect(img, Math.max(img.width, Math.round(w * scale)), Math.max(img.height, Math.round(h * scale)));
    return resize(padded, w, h);
  }
  const scale = Math.min(img.width / w, img.height / h);
  const cw = Math.min(img.width, Math.round(w * scale));
  const ch = Math.min(img.height, Math.round(h * scale));
  const [px, py] = train ? [rng.next(), rng.next()] : [0.5, 0.5];
  const x0 = Math.round((img.width - cw) * px);
  const y0 = Math.round((img.height - ch) * py);
  return resize(crop(img, x0, y0, cw, ch), w, h);
}

function applyRandomResizedCrop(t: RandomResizedCropTfm, img: RgbImage, rng: Rng, train: boolean): RgbImage {
  const [h, w] = t.size;
  const { width: W, height: H } = img;
  if (!train) {
    const xtra = Math.ceil((Math.max(h, w) * t.valXtra) / 8) * 8;
    const big = resize(img, w + xtra, h + xtra);
    return crop(big, Math.floor(xtra / 2), Math.floor(xtra / 2), w, h);
  }
  const [r0, r1] = t.ratio;
  for (let attempt = 0; attempt < 10; attempt++) {
    const area = (t.minScale + (1 - t.minScale) * rng.next()) * W * H;
    const ratio = Math.exp(Math.log(r0) + (Math.log(r1) - Math.log(r0)) * rng.next());
    const nw = Math.round(Math.sqrt(area * ratio));
    const nh = Math.round(Math.sqrt(area / ratio));
    if (nw <= W && nh <= H && nw > 0 && nh > 0) {
      return resize(crop(img, rng.int(W - nw + 1), rng.int(H - nh + 1), nw, nh), w, h);
    }
  }
  // Fallback: the centre crop with the aspect ratio clamped into the allowed range.
  let [cw, ch] = [W, H];
  if (W / H < r0) ch = Math.floor(W / r0);
  else if (W / H > r1) cw = Math.floor(H * r1);
  return resize(crop(img, Math.floor((W - cw) / 2), Math.floor((H - ch) / 2), cw, ch), w, h);
}

/** Runs the transforms in order; `seed` fixes this item's random choices. */
export function applyItemTfms(tfms: readonly ItemTfm[], img: RgbImage, seed: number, train: boolean): RgbImage {
  const rng = new Rng(seed);
  for (const t of tfms) {
    if (t.kind === 'resize') img = applyResize(t, img, rng, train);
    else if (t.kind === 'randomResizedCrop') img = applyRandomResizedCrop(t, img, rng, train);
    else throw new WgslnetError(`item transform: unknown kind ${JSON.stringify((t as { kind: unknown }).kind)}`);
  }
  return img;
}

/** The output [height, width] of the last sizing transform, or null (images keep their size). */
export function outputSize(tfms: readonly ItemTfm[]): [number, number] | null {
  const last = [...tfms].reverse().find((t) => t.kind === 'resize' || t.kind === 'randomResizedCrop');
  return last ? last.size : null;
}
