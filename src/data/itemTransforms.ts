// Item transforms: per image, on the CPU, before batching (fastai's item_tfms). Each is a plain
// object (so it can be sent to a decode worker and saved in an exported learner); applyItemTfms
// runs them. Randomness comes from an Rng the caller seeds per item, so a run is reproducible.

import { WgslnetError } from '../gpu/errors.js';
import { Rng } from '../tensor/random.js';
import { crop, padReflect, resize, type RgbImage, type Window } from './image.js';

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

/**
 * What one item transform does to one image, as geometry: cut `crop`, or reflection-pad to the
 * `pad` canvas (image centred), then resize to `resize` ([width, height]), then cut `after`. The
 * random choices are made here, once, so the pure-JS path (runPlan) and the sharp path
 * (node/sharpDecode.ts) cut the same windows from the same seeds.
 */
export interface TfmPlan {
  crop?: Window;
  pad?: [number, number];
  resize: [number, number];
  after?: Window;
}

function planResize(t: ResizeTfm, W: number, H: number, rng: Rng, train: boolean): TfmPlan {
  const [h, w] = t.size;
  if (t.method === 'squish') return { resize: [w, h] };
  if (t.method === 'pad') {
    // The smallest canvas of the target aspect ratio that holds the whole image.
    const scale = Math.max(W / w, H / h);
    return { pad: [Math.max(W, Math.round(w * scale)), Math.max(H, Math.round(h * scale))], resize: [w, h] };
  }
  const scale = Math.min(W / w, H / h);
  const cw = Math.min(W, Math.round(w * scale));
  const ch = Math.min(H, Math.round(h * scale));
  const [px, py] = train ? [rng.next(), rng.next()] : [0.5, 0.5];
  return { crop: { x: Math.round((W - cw) * px), y: Math.round((H - ch) * py), width: cw, height: ch }, resize: [w, h] };
}

function planRandomResizedCrop(t: RandomResizedCropTfm, W: number, H: number, rng: Rng, train: boolean): TfmPlan {
  const [h, w] = t.size;
  if (!train) {
    const xtra = Math.ceil((Math.max(h, w) * t.valXtra) / 8) * 8;
    return { resize: [w + xtra, h + xtra], after: { x: Math.floor(xtra / 2), y: Math.floor(xtra / 2), width: w, height: h } };
  }
  const [r0, r1] = t.ratio;
  for (let attempt = 0; attempt < 10; attempt++) {
    const area = (t.minScale + (1 - t.minScale) * rng.next()) * W * H;
    const ratio = Math.exp(Math.log(r0) + (Math.log(r1) - Math.log(r0)) * rng.next());
    const nw = Math.round(Math.sqrt(area * ratio));
    const nh = Math.round(Math.sqrt(area / ratio));
    if (nw <= W && nh <= H && nw > 0 && nh > 0) return { crop: { x: rng.int(W - nw + 1), y: rng.int(H - nh + 1), width: nw, height: nh }, resize: [w, h] };
  }
  // Fallback: the centre crop with the aspect ratio clamped into the allowed range.
  let [cw, ch] = [W, H];
  if (W / H < r0) ch = Math.floor(W / r0);
  else if (W / H > r1) cw = Math.floor(H * r1);
  return { crop: { x: Math.floor((W - cw) / 2), y: Math.floor((H - ch) / 2), width: cw, height: ch }, resize: [w, h] };
}

/** The geometry of transform `t` on a W×H image; draws this item's random numbers from `rng`. */
export function planItemTfm(t: ItemTfm, W: number, H: number, rng: Rng, train: boolean): TfmPlan {
  if (t.kind === 'resize') return planResize(t, W, H, rng, train);
  if (t.kind === 'randomResizedCrop') return planRandomResizedCrop(t, W, H, rng, train);
  throw new WgslnetError(`item transform: unknown kind ${JSON.stringify((t as { kind: unknown }).kind)}`);
}

/** The size [width, height] a plan produces. */
export const planOutput = (p: TfmPlan): [number, number] => (p.after ? [p.after.width, p.after.height] : p.resize);

/** Carries out a plan on pixels (the pure-JS path). */
export function runPlan(img: RgbImage, p: TfmPlan): RgbImage {
  if (p.crop) img = crop(img, p.crop.x, p.crop.y, p.crop.width, p.crop.height);
  if (p.pad) img = padReflect(img, p.pad[0], p.pad[1]);
  img = resize(img, p.resize[0], p.resize[1]);
  return p.after ? crop(img, p.after.x, p.after.y, p.after.width, p.after.height) : img;
}

/** Runs the transforms in order; `seed` fixes this item's random choices. */
export function applyItemTfms(tfms: readonly ItemTfm[], img: RgbImage, seed: number, train: boolean): RgbImage {
  const rng = new Rng(seed);
  for (const t of tfms) img = runPlan(img, planItemTfm(t, img.width, img.height, rng, train));
  return img;
}

/** The output [height, width] of the last sizing transform, or null (images keep their size). */
export function outputSize(tfms: readonly ItemTfm[]): [number, number] | null {
  const last = [...tfms].reverse().find((t) => t.kind === 'resize' || t.kind === 'randomResizedCrop');
  return last ? last.size : null;
}
