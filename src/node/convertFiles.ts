// Files and folders → images in memory: the Node side of the converters (src/convert/). The input
// is a file, or a folder whose subfolders are the classes; each image keeps its path relative to
// the input (with .png), so the class folders carry through. A CSV table of series instead puts
// each row under a folder named by its label. Images are made in chunks (one GPU batch each) and
// yielded as they are ready, so a large input never sits in memory whole.

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, extname, join, relative, resolve, sep } from 'node:path';
import { WgslnetError } from '../gpu/errors.js';
import { resize, type RgbImage } from '../data/image.js';
import { bytesImage, type BytesImageOptions } from '../convert/bytes.js';
import { seriesImages, seriesImageSize, type SeriesImageOptions } from '../convert/seriesImages.js';
import { parseSeriesCsv, parseSeriesFile } from '../convert/seriesText.js';
import { prepareSound, signalImages, type SoundImageOptions } from '../convert/sound.js';

export type ConvertKind = 'sound' | 'series' | 'bytes';

export interface ConvertOptions {
  sound?: SoundImageOptions;
  /** Series options; labelColumn names the CSV's label column (a number: headerless, 0-based). */
  series?: SeriesImageOptions & { labelColumn?: string | number };
  bytes?: BytesImageOptions;
  /** sound: resize every spectrogram to size × size (series and bytes take their own size). */
  size?: number;
  /** Inputs per GPU batch (default 64). */
  chunk?: number;
  /** Called as inputs are done. */
  onProgress?: (done: number, total: number) => void;
  /** A folder under the input to leave out (the CLI's output folder, when it is inside the input). */
  exclude?: string;
  /** With it, a bad input is reported and left out; without it, the first bad input throws. */
  onBad?: (source: string, message: string) => void;
}

export interface ConvertedImage {
  /** Where the image goes under the output folder, '/'-separated, ending in .png. */
  name: string;
  /** The input file (and line, for a CSV row). */
  source: string;
  /** The class: the first folder of `name`, or null for an image at the top level. */
  label: string | null;
  image: RgbImage;
}

const EXTENSIONS: Record<ConvertKind, RegExp | null> = { sound: /\.wav$/i, series: /\.(csv|tsv|txt)$/i, bytes: null };

/** The input files of a kind under `input` (itself if a file), sorted, dot files and folders skipped. */
export function listInputs(input: string, kind: ConvertKind, exclude?: string): { path: string; rel: string }[] {
  let st;
  try {
    st = statSync(input);
  } catch {
    throw new WgslnetError(`${input}: no such file or folder`);
  }
  if (st.isFile()) return [{ path: input, rel: basename(input) }];
  const out: { path: string; rel: string }[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name);
      if (e.name.startsWith('.') || (exclude && resolve(p) === exclude)) continue;
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && (EXTENSIONS[kind]?.test(e.name) ?? true)) out.push({ path: p, rel: relative(input, p).split(sep).join('/') });
    }
  };
  walk(input);
  if (!out.length) throw new WgslnetError(`${input}: no ${kind === 'sound' ? '.wav files' : kind === 'series' ? '.csv, .tsv or .txt files' : 'files'} in it or its subfolders`);
  return out;
}

const labelOf = (name: string) => (name.includes('/') ? name.slice(0, name.indexOf('/')) : null);
const withPng = (rel: string, kind: ConvertKind) => (kind === 'bytes' ? rel : rel.slice(0, rel.length - extname(rel).length)) + '.png';
/** A label as a folder name: no separators, no leading dot. */
const folderName = (label: string) => label.replace(/[\\/\0]/g, '_').replace(/^\.+/, '_') || '_';

function read(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new WgslnetError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** Runs `f`, or reports its WgslnetError to onBad and returns null. */
function attempt<T>(o: ConvertOptions, source: string, f: () => T): T | null {
  try {
    return f();
  } catch (e) {
    if (!o.onBad || !(e instanceof WgslnetError)) throw e;
    o.onBad(source, e.message);
    return null;
  }
}

/** Converts every input under `input`, yielding images chunk by chunk, in input order. */
export async function* convertInputs(kind: ConvertKind, input: string, o: ConvertOptions = {}): AsyncGenerator<ConvertedImage> {
  const files = listInputs(input, kind, o.exclude && resolve(o.exclude));
  const chunk = o.chunk ?? 64;
  const single = files.length === 1 && files[0]!.path === input;
  if (kind === 'series' && single) {
    yield* seriesTable(input, o);
    return;
  }
  for (let s = 0; s < files.length; s += chunk) {
    const part = files.slice(s, s + chunk);
    const made: ({ name: string; source: string; image: RgbImage } | null)[] = [];
    if (kind === 'bytes') {
      for (const f of part) made.push(attempt(o, f.path, () => ({ name: withPng(f.rel, kind), source: f.path, image: bytesImage(read(f.path), f.path, o.bytes) })));
    } else if (kind === 'sound') {
      made.push(...(await soundChunk(part, o)));
    } else {
      const series = part.map((f) => attempt(o, f.path, () => fitsOptions(parseSeriesFile(new TextDecoder().decode(read(f.path)), f.path), f.path, o)));
      const good = part.filter((_, k) => series[k]);
      const images = await seriesImages(series.filter((x): x is number[] => x !== null), o.series);
      made.push(...good.map((f, k) => ({ name: withPng(f.rel, kind), source: f.path, image: images[k]! })));
    }
    for (const m of made) if (m) yield { ...m, label: labelOf(m.name) };
    o.onProgress?.(Math.min(s + chunk, files.length), files.length);
  }
}

/** Sound files → spectrogram images: each file decoded and checked alone, then one GPU batch. */
async function soundChunk(part: { path: string; rel: string }[], o: ConvertOptions) {
  const signals = part.map((f) => attempt(o, f.path, () => prepareSound(read(f.path), f.path, o.sound)));
  const good = part.filter((_, k) => signals[k]);
  const images = await signalImages(signals.filter((x): x is Float32Array => x !== null), good.map((f) => f.path), o.sound);
  return good.map((f, k) => ({ name: withPng(f.rel, 'sound'), source: f.path, image: o.size ? resize(images[k]!, o.size, o.size) : images[k]! }));
}

/** The series, once every method's image size fits its length (else an error naming `name`). */
function fitsOptions(series: number[], name: string, o: ConvertOptions): number[] {
  for (const m of o.series?.methods ?? ['gasf']) seriesImageSize(series.length, m, o.series, name);
  return series;
}

/** A CSV table: one image per row, named <label>/<table name>_<line>.png. */
async function* seriesTable(path: string, o: ConvertOptions): AsyncGenerator<ConvertedImage> {
  const table = parseSeriesCsv(new TextDecoder().decode(read(path)), path, o.series?.labelColumn ?? 'label', o.onBad);
  fitsOptions(table.series[0]!, path, o); // the rows share one length
  const stem = basename(path, extname(path));
  const chunk = o.chunk ?? 256;
  for (let s = 0; s < table.series.length; s += chunk) {
    const images = await seriesImages(table.series.slice(s, s + chunk), o.series);
    for (let k = 0; k < images.length; k++) {
      const label = table.labels[s + k]!;
      yield { name: `${folderName(label)}/${stem}_${table.lines[s + k]}.png`, source: `${path}: line ${table.lines[s + k]}`, label, image: images[k]! };
    }
    o.onProgress?.(Math.min(s + chunk, table.series.length), table.series.length);
  }
}

/** Every image of `input`, in memory (for ImageDataLoaders.fromImages). */
export async function imagesFrom(kind: ConvertKind, input: string, o: ConvertOptions = {}): Promise<ConvertedImage[]> {
  const out: ConvertedImage[] = [];
  for await (const img of convertInputs(kind, input, o)) out.push(img);
  return out;
}
