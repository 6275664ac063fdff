// DataLoaders (a train and a validation DataLoader sharing a vocabulary) and fastai's factories:
// ImageDataLoaders.fromLists / fromNameFunc / fromNameRe / fromPathFunc / fromPathRe / fromFolder.

import { WgslnetError } from '../gpu/errors.js';
import { imageGrid } from '../plot/canvas.js';
import type { BatchTfms, Normalize } from './batchTransforms.js';
import { DataLoader } from './dataLoader.js';
import { rgbImage, type RgbImage } from './image.js';
import { outputSize, type ItemTfm } from './itemTransforms.js';
import { checkDecoder, imageIO, type Decoder, type MemoryImages } from './loader.js';
import { fileName, GrandparentSplitter, parentLabel, pathParts, RandomSplitter, type Splitter } from './splitters.js';

export type Label = string | number | boolean;

export interface DataLoadersOptions {
  /** Fraction held out for validation (RandomSplitter), default 0.2. */
  validPct?: number;
  /** Seed of the split and of the shuffles and augmentation. */
  seed?: number;
  /** A splitter instead of validPct. */
  splitter?: Splitter;
  itemTfms?: ItemTfm[];
  batchTfms?: Partial<BatchTfms>;
  /** Batch size (fastai: 64). */
  bs?: number;
  /** Validation batch size (defaults to bs). */
  valBs?: number;
  /** Which decoder loads the images: 'auto' (default: sharp in Node when it loads), 'sharp' or 'js'. */
  decoder?: Decoder;
}

export class DataLoaders {
  constructor(
    readonly train: DataLoader,
    readonly valid: DataLoader,
    /** Sorted class names; label index i means vocab[i]. */
    readonly vocab: string[],
    readonly itemTfms: ItemTfm[],
    readonly batchTfms: BatchTfms,
  ) {}

  /** Number of classes. */
  get c(): number {
    return this.vocab.length;
  }

  /** The image size the item transforms produce ([height, width]), or null. */
  get size(): [number, number] | null {
    return outputSize(this.itemTfms);
  }

  /** The same split and labels with other transforms (progressive resizing: Resize(64) after Resize(32)). */
  withTransforms(t: { itemTfms?: ItemTfm[]; batchTfms?: Partial<BatchTfms>; bs?: number; decoder?: Decoder }): DataLoaders {
    const batchTfms = { ...this.batchTfms, ...t.batchTfms };
    const itemTfms = t.itemTfms ?? this.itemTfms;
    const decoder = t.decoder === undefined ? undefined : checkDecoder(t.decoder, 'withTransforms');
    const mk = (dl: DataLoader) => new DataLoader(dl.items, dl.labels, { ...dl.opts, itemTfms, batchTfms, bs: t.bs ?? dl.opts.bs, decoder: decoder ?? dl.opts.decoder });
    return new DataLoaders(mk(this.train), mk(this.valid), this.vocab, itemTfms, batchTfms);
  }

  /** These loaders with images normalised by `stats` (visionLearner adds ImageNet's for pretrained models). */
  withNormalize(stats: Normalize): DataLoaders {
    return this.withTransforms({ batchTfms: { normalize: stats } });
  }

  /**
   * Writes a PNG grid of the first training batch as the model sees it (augmented), each image under
   * its label, as fastai's show_batch. Returns the path.
   */
  async showBatch(opts: { path?: string; maxN?: number; cols?: number } = {}): Promise<string> {
    const path = opts.path ?? 'batch.png';
    const maxN = opts.maxN ?? 9;
    for await (const b of this.train) {
      const n = Math.min(maxN, b.y.length);
      const images = denormalize(await b.x.toArray(), b.x.shape as number[], this.batchTfms.normalize).slice(0, n);
      b.x.dispose();
      const cells = images.map((image, i) => ({ image, lines: [this.vocab[b.y[i]!]!] }));
      await imageGrid(cells, opts.cols ?? Math.ceil(Math.sqrt(n)), Math.max(64, images[0]!.width)).save(path);
      return path;
    }
    throw new WgslnetError('showBatch: the training set has no full batch');
  }
}

/** Batch values back to 8-bit images: undo the normalisation, scale by 255. */
export function denormalize(values: Float32Array, shape: number[], norm: Normalize | null): RgbImage[] {
  const [N, C, H, W] = shape as [number, number, number, number];
  return Array.from({ length: N }, (_, n) => {
    const img = rgbImage(W, H);
    for (let c = 0; c < 3; c++) {
      const [m, s] = norm ? [norm.mean[c]!, norm.std[c]!] : [0, 1];
      for (let p = 0; p < H * W; p++) img.data[p * 3 + c] = Math.min(255, Math.max(0, Math.round((values[(n * C + Math.min(c, C - 1)) * H * W + p]! * s + m) * 255)));
    }
    return img;
  });
}

function makeDataLoaders(items: string[], labels: Label[], o: DataLoadersOptions, images?: MemoryImages): DataLoaders {
  if (!items.length) throw new WgslnetError('DataLoaders: no images');
  if (items.length !== labels.length) throw new WgslnetError(`DataLoaders: ${items.length} files but ${labels.length} labels`);
  const names = labels.map(String);
  const vocab = [...new Set(names)].sort();
  const index = new Map(vocab.map((v, i) => [v, i]));
  const y = Int32Array.from(names, (n) => index.get(n)!);
  const seed = o.seed ?? 0;
  const split = (o.splitter ?? RandomSplitter(o.validPct ?? 0.2, seed))(items);
  if (!split.train.length) throw new WgslnetError(`DataLoaders: the split leaves no training images (of ${items.length})`);
  const itemTfms = o.itemTfms ?? [];
  const batchTfms: BatchTfms = { aug: null, normalize: null, ...o.batchTfms };
  const bs = o.bs ?? 64;
  const pick = (idx: number[]) => [idx.map((i) => items[i]!), Int32Array.from(idx, (i) => y[i]!)] as const;
  const common = { itemTfms, batchTfms, seed, decoder: checkDecoder(o.decoder ?? 'auto', 'DataLoaders'), images };
  const train = new DataLoader(...pick(split.train), { ...common, bs, shuffle: true, dropLast: true, train: true });
  const valid = new DataLoader(...pick(split.valid), { ...common, bs: o.valBs ?? bs, shuffle: false, dropLast: false, train: false });
  if (!train.length) throw new WgslnetError(`DataLoaders: ${split.train.length} training images make no full batch of ${bs}; lower bs`);
  return new DataLoaders(train, valid, vocab, itemTfms, batchTfms);
}

function labelOrThrow(file: string, what: string, f: () => Label | undefined | null): Label {
  const l = f();
  if (l === undefined || l === null) throw new WgslnetError(`${file}: ${what} gave no label`);
  return l;
}

/** fastai's ImageDataLoaders factories (camelCase). `path` is the folder items are relative to. */
export const ImageDataLoaders = {
  /** Files and their labels. */
  fromLists(_path: string, files: string[], labels: Label[], o: DataLoadersOptions = {}): DataLoaders {
    return makeDataLoaders(files, labels, o);
  },

  /**
   * Images already in memory (what the sound, series and bytes converters return): each with a
   * unique name (it stands for a file in splitters, batches and interpretation) and a label.
   * Nothing is read from or written to disk.
   */
  fromImages(items: { name: string; image: RgbImage; label: Label }[], o: DataLoadersOptions = {}): DataLoaders {
    const images = new Map<string, RgbImage>();
    for (const it of items) {
      if (images.has(it.name)) throw new WgslnetError(`ImageDataLoaders.fromImages: the name ${it.name} is given to more than one image; names must be unique`);
      images.set(it.name, it.image);
    }
    return makeDataLoaders(items.map((it) => it.name), items.map((it) => it.label), o, images);
  },

  /** Label = labelFunc(file name), e.g. Pets' `name => name[0] === name[0].toUpperCase()`. */
  fromNameFunc(path: string, files: string[], o: DataLoadersOptions & { labelFunc: (name: string) => Label }): DataLoaders {
    return makeDataLoaders(files, files.map((f) => labelOrThrow(f, 'labelFunc', () => o.labelFunc(fileName(f)))), o);
  },

  /** Label = labelFunc(full path). */
  fromPathFunc(path: string, files: string[], o: DataLoadersOptions & { labelFunc: (path: string) => Label }): DataLoaders {
    return makeDataLoaders(files, files.map((f) => labelOrThrow(f, 'labelFunc', () => o.labelFunc(f))), o);
  },

  /** Label = the first capture group of `pat` searched in the file name. */
  fromNameRe(path: string, files: string[], pat: RegExp | string, o: DataLoadersOptions = {}): DataLoaders {
    return makeDataLoaders(files, files.map((f) => regexLabel(f, fileName(f), pat)), o);
  },

  /** Label = the first capture group of `pat` searched in the full path. */
  fromPathRe(path: string, files: string[], pat: RegExp | string, o: DataLoadersOptions = {}): DataLoaders {
    return makeDataLoaders(files, files.map((f) => regexLabel(f, f, pat)), o);
  },

  /**
   * Label = the parent folder. Split by `train`/`valid` folders (path/train/<label>/…), or randomly
   * with validPct when given.
   */
  async fromFolder(path: string, o: DataLoadersOptions & { train?: string; valid?: string } = {}): Promise<DataLoaders> {
    let files = await imageIO().listImages(path);
    let splitter = o.splitter;
    if (!splitter && o.validPct === undefined) {
      const [tr, va] = [o.train ?? 'train', o.valid ?? 'valid'];
      files = files.filter((f) => [tr, va].includes(pathParts(f).at(-3) ?? ''));
      if (!files.length) throw new WgslnetError(`${path}: no images in ${tr}/<label>/ or ${va}/<label>/ folders; pass validPct to split a folder of class folders randomly`);
      splitter = GrandparentSplitter(tr, va);
    }
    return makeDataLoaders(files, files.map(parentLabel), { ...o, splitter });
  },
};

/** The first capture group of `pat` in `s`; the error names `file` and the pattern. */
export function regexLabel(file: string, s: string, pat: RegExp | string): string {
  const m = (typeof pat === 'string' ? new RegExp(pat) : pat).exec(s);
  if (!m || m[1] === undefined) throw new WgslnetError(`${file}: the pattern ${String(pat)} does not match (or has no capture group)`);
  return m[1];
}
