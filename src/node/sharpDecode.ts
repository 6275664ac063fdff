// The fast decode path: sharp (libvips, with libjpeg-turbo's JPEG decoder, prebuilt inside its npm
// package) decodes and carries out the item transforms' plans (itemTransforms.ts decides every
// window, from the same seeds as the pure-JS path). It is an optional dependency: loadSharp() says
// why it is not there, and the pure-JS path (decode.ts + runPlan) runs instead.
//
// What the two paths share and where they differ (test/decoders.test.ts measures it):
// - Windows: the same numbers. A crop is cut before the resize, as runPlan cuts it, except when
//   a JPEG's window is at least 3× the target: then libvips shrinks the whole image (libjpeg
//   decodes at 1/2, 1/4 or 1/8 scale: shrink-on-load) and the JS resampler cuts the same window,
//   now fractional, from the small image.
// - Resampling: shrinking is libvips' linear kernel, widened by the scale like the JS path's
//   triangle filter: within 4 levels of the JS path inside the image, 12 on its outermost rows
//   and columns (libvips repeats the edge pixel under the filter where the JS path renormalises
//   it), mean under 1. Shrink-on-load filters in two steps (libjpeg's scaled IDCT + libvips, then
//   JS): mean difference under 3 levels at 64 px on photo-like images (more at tiny targets,
//   where fine texture aliases). Enlarging and reflection padding run the JS path's own code on
//   the pixels libvips decoded.
// - Colour: the JS path ignores ICC profiles and drops alpha without compositing (PIL's
//   convert('RGB')); so does this one (ignoreIcc, alpha removed before any resampling). CMYK JPEGs
//   go to the JS decoder, whose plain CMYK→RGB formula libvips' colour-managed one does not match.

import { WgslnetError } from '../gpu/errors.js';
import { crop, padReflect, resize, rgbImage, type RgbImage, type Window } from '../data/image.js';
import { applyItemTfms, planItemTfm, type ItemTfm, type TfmPlan } from '../data/itemTransforms.js';
import { Rng } from '../tensor/random.js';
import { decodeImage, imageFormat, notAnImage } from './decode.js';

/** The part of sharp's API used here (declared locally so the package type-checks without sharp). */
interface SharpPipeline {
  metadata(): Promise<{ width?: number; height?: number; space?: string; hasAlpha?: boolean }>;
  extract(r: { left: number; top: number; width: number; height: number }): SharpPipeline;
  resize(width: number, height: number, o: { fit: 'fill'; kernel: 'linear' }): SharpPipeline;
  removeAlpha(): SharpPipeline;
  toColourspace(space: 'srgb'): SharpPipeline;
  raw(o: { depth: 'uchar' }): SharpPipeline;
  toBuffer(o: { resolveWithObject: true }): Promise<{ data: Buffer; info: { width: number; height: number; channels: number } }>;
}
interface SharpInput {
  raw?: { width: number; height: number; channels: 3 };
  failOn?: 'none' | 'truncated' | 'error' | 'warning';
  ignoreIcc?: boolean;
}
export type Sharp = ((input: Uint8Array, o?: SharpInput) => SharpPipeline) & {
  concurrency(n?: number): number;
  cache(on: boolean): unknown;
  versions: Record<string, string>;
};

/**
 * Loads sharp (or, for tests, the module `specifier` names). Never throws: a missing or broken
 * install returns the reason in one line.
 */
export async function loadSharp(specifier = 'sharp'): Promise<{ sharp: Sharp } | { error: string }> {
  try {
    const m = (await import(specifier)) as { default?: Sharp };
    const sharp = m.default ?? (m as unknown as Sharp);
    if (typeof sharp !== 'function' || typeof sharp.concurrency !== 'function') return { error: `'${specifier}' is not sharp` };
    sharp.cache(false); // every image is new: libvips' operation cache would only hold memory
    return { sharp };
  } catch (e) {
    return { error: String((e as Error).message ?? e).split('\n')[0]! };
  }
}

/**
 * A JPEG's size and component count from its frame header (SOF0–SOF15, except DHT, JPG and DAC),
 * walking the marker segments by their lengths (so an EXIF thumbnail's own header is skipped).
 * It saves asking libvips, which opens the file for it: a second trip through Node's thread pool
 * per image. null when the walk finds no frame header (libvips then reads it, and names what is
 * wrong with the file).
 */
export function jpegFrame(b: Uint8Array): { width: number; height: number; components: number } | null {
  let i = 2; // after SOI
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return null;
    const marker = b[i + 1]!;
    if (marker === 0xff) { i++; continue; } // fill byte
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) { i += 2; continue; } // no length
    if (marker === 0xd9 || marker === 0xda) return null; // EOI or SOS before any frame header
    const length = (b[i + 2]! << 8) | b[i + 3]!;
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      const [height, width, components] = [(b[i + 5]! << 8) | b[i + 6]!, (b[i + 7]! << 8) | b[i + 8]!, b[i + 9]!];
      return width && height ? { width, height, components } : null;
    }
    i += 2 + length;
  }
  return null;
}

/** An image on its way through sharp: still encoded (so JPEG shrink-on-load is possible) or raw RGB. */
type Source = { kind: 'encoded'; bytes: Uint8Array; jpeg: boolean; width: number; height: number } | { kind: 'raw'; image: RgbImage };

const dims = (s: Source) => (s.kind === 'raw' ? [s.image.width, s.image.height] : [s.width, s.height]) as [number, number];

function open(sharp: Sharp, s: Source): SharpPipeline {
  if (s.kind === 'raw') return sharp(s.image.data, { raw: { width: s.image.width, height: s.image.height, channels: 3 } });
  return sharp(s.bytes, { failOn: 'truncated', ignoreIcc: true });
}

async function toRgb(p: SharpPipeline): Promise<RgbImage> {
  const { data, info } = await p.removeAlpha().toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new WgslnetError(`sharp returned ${info.channels} channels, expected 3`);
  return rgbImage(info.width, info.height, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

/** A crop window at least this many times the target is decoded with JPEG shrink-on-load. */
const SHRINK_ON_LOAD_AT = 3;

/** The window of `s` that a plan reads (the whole image when it cuts nothing). */
function cut(sharp: Sharp, s: Source, box: Window | undefined): SharpPipeline {
  const [W, H] = dims(s);
  const pipe = open(sharp, s);
  return box && (box.width !== W || box.height !== H) ? pipe.extract({ left: box.x, top: box.y, width: box.width, height: box.height }) : pipe;
}

/**
 * sharp's choice of JPEG shrink-on-load for a W×H → W1×H1 resize (pipeline.cc, fastShrinkOnLoad):
 * the largest of 8, 4, 2 the shrink reaches, halved when the shrink truncates to it exactly.
 */
function jpegShrink(W: number, H: number, W1: number, H1: number): number {
  const shrink = Math.min(W / W1, H / H1);
  const s = shrink >= 8 ? 8 : shrink >= 4 ? 4 : shrink >= 2 ? 2 : 1;
  return s > 1 && Math.trunc(shrink) === s ? s / 2 : s;
}

/**
 * A crop of a large JPEG window: libvips resizes the whole image by 3, 5 or 9 (so libjpeg decodes
 * at 1/2, 1/4 or 1/8 scale, and libvips reduces the rest), then the JS resampler cuts the window,
 * fractional in the small image's pixels, to the target size: the same window as the JS path.
 */
async function shrinkOnLoad(sharp: Sharp, s: Source & { kind: 'encoded' }, win: Window, tw: number, th: number): Promise<RgbImage> {
  const f = Math.min(win.width / tw, win.height / th);
  const g = f >= 9 ? 9 : f >= 5 ? 5 : 3;
  const [W, H] = [s.width, s.height];
  const [W1, H1] = [Math.floor(W / g), Math.floor(H / g)];
  const small = await toRgb(open(sharp, s).resize(W1, H1, { fit: 'fill', kernel: 'linear' }));
  // libjpeg's 1/k decode is ceil(W/k) wide (its last column partly padding), which libvips then
  // maps onto W1: so one small pixel spans k·ceil(W/k)/W1 source pixels, not quite W/W1.
  const k = jpegShrink(W, H, W1, H1);
  const [sx, sy] = [(k * Math.ceil(W / k)) / W1, (k * Math.ceil(H / k)) / H1];
  return resize(small, tw, th, { x: win.x / sx, y: win.y / sy, width: win.width / sx, height: win.height / sy });
}

/** One plan through libvips (and JS where libvips means something else); the result is raw RGB. */
async function runSharpPlan(sharp: Sharp, s: Source, p: TfmPlan): Promise<RgbImage> {
  const [W, H] = dims(s);
  const [tw, th] = p.resize;
  const [ww, wh] = p.pad ?? (p.crop ? [p.crop.width, p.crop.height] : [W, H]);
  const linear = { fit: 'fill', kernel: 'linear' } as const;
  let out: RgbImage;
  if (p.pad || tw > ww || th > wh) {
    // libvips' mirror extend repeats the edge pixel where the JS path reflects about it (PyTorch's
    // 'reflect'), and its upsizing samples half an output pixel off the centres: so the canvas,
    // and any enlargement, are made by the JS code itself, from the pixels libvips cut.
    let img = await toRgb(cut(sharp, s, p.crop));
    if (p.pad) img = padReflect(img, p.pad[0], p.pad[1]);
    out = tw > ww || th > wh ? resize(img, tw, th) : await toRgb(open(sharp, { kind: 'raw', image: img }).resize(tw, th, linear));
    return p.after ? crop(out, p.after.x, p.after.y, p.after.width, p.after.height) : out;
  }
  if (p.crop && s.kind === 'encoded' && s.jpeg && Math.min(ww / tw, wh / th) >= SHRINK_ON_LOAD_AT) return shrinkOnLoad(sharp, s, p.crop, tw, th);
  let pipe = cut(sharp, s, p.crop);
  if (ww !== tw || wh !== th) pipe = pipe.resize(tw, th, linear);
  if (p.after) pipe = pipe.extract({ left: p.after.x, top: p.after.y, width: p.after.width, height: p.after.height });
  return toRgb(pipe);
}

/** Why libvips refused a file, as one line that names it. */
function named(e: unknown, name: string, format: string): Error {
  if (e instanceof WgslnetError) return e;
  // libvips repeats itself over several lines: keep the first two distinct ones.
  const lines = String((e as Error).message ?? e).split('\n').map((l) => l.replace(/^Input buffer (has |contains )?/, '').replace(/:\s*$/, '').trim());
  const why = [...new Set(lines.filter(Boolean))].slice(0, 2).join('; ');
  return new WgslnetError(`${name}: corrupt or truncated ${format.toUpperCase()} (${why})`);
}

/** Decodes `bytes` (file `name`) and runs the item transforms, with sharp. */
export async function sharpDecode(sharp: Sharp, bytes: Uint8Array, name: string, tfms: readonly ItemTfm[], seed: number, train: boolean): Promise<RgbImage> {
  const format = imageFormat(bytes);
  if (!format) throw notAnImage(bytes, name);
  try {
    const frame = format === 'jpeg' ? jpegFrame(bytes) : null;
    const meta = frame ? { width: frame.width, height: frame.height, hasAlpha: false, space: frame.components === 4 ? 'cmyk' : 'srgb' } : await sharp(bytes, { failOn: 'truncated', ignoreIcc: true }).metadata();
    if (!meta.width || !meta.height) throw new WgslnetError(`${name}: corrupt ${format.toUpperCase()} (no image size in the header)`);
    if (meta.space === 'cmyk') return applyItemTfms(tfms, decodeImage(bytes, name), seed, train);
    let s: Source = { kind: 'encoded', bytes, jpeg: format === 'jpeg', width: meta.width, height: meta.height };
    // Alpha is dropped before any resampling (libvips would resample premultiplied colour).
    if (meta.hasAlpha || !tfms.length) s = { kind: 'raw', image: await toRgb(open(sharp, s)) };
    const rng = new Rng(seed);
    for (const t of tfms) {
      const [W, H] = dims(s);
      s = { kind: 'raw', image: await runSharpPlan(sharp, s, planItemTfm(t, W, H, rng, train)) };
    }
    return (s as { image: RgbImage }).image;
  } catch (e) {
    throw named(e, name, format);
  }
}
