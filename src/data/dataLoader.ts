// DataLoader: items and label indices → batches on the GPU. Each epoch it (optionally) shuffles,
// loads a batch's images through the platform's ImageIO (decode + item transforms, in workers in
// Node), collates them into one [N, 3, H, W] upload, and runs the batch transforms as one kernel.
// The next batch is already loading while the caller trains on this one.

import { WgslnetError } from '../gpu/errors.js';
import { tensor } from '../ops/creation.js';
import { Rng } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { augmentBatch, drawImageTfm, IDENTITY_TFM, type BatchTfms, type ImageTfm, type Normalize } from './batchTransforms.js';
import { toPlanes, type RgbImage } from './image.js';
import type { ItemTfm } from './itemTransforms.js';
import { loadImages, type LoadJob, type MemoryImages } from './loader.js';

export interface Batch {
  /** [N, 3, H, W], transformed and normalised; the caller disposes it. */
  x: Tensor;
  /** Label indices into the vocabulary. */
  y: Int32Array;
  /** The items (file paths) in this batch, in order. */
  items: string[];
}

export interface DataLoaderOptions {
  bs: number;
  shuffle: boolean;
  dropLast: boolean;
  /** Training loader: random item transforms and augmentation; otherwise deterministic ones. */
  train: boolean;
  itemTfms: ItemTfm[];
  batchTfms: BatchTfms;
  seed: number;
  /** Items that are images in memory, by name (ImageDataLoaders.fromImages). */
  images?: MemoryImages;
}

/**
 * Same-size images → [N, 3, H, W] (0–255 as f32, one upload) → the batch-transform kernel with one
 * transform per image. `names` label the images in the size error. Used by loaders and predict.
 */
export function collateImages(images: RgbImage[], names: string[], tfms: ImageTfm[], normalize: Normalize | null): Tensor {
  const { width: W, height: H } = images[0]!;
  images.forEach((im, k) => {
    if (im.width !== W || im.height !== H) {
      throw new WgslnetError(`batch: ${names[k]} is ${im.width}×${im.height} but ${names[0]} is ${W}×${H}; add an item transform such as Resize(size)`);
    }
  });
  const src = tensor(toPlanes(images), [images.length, 3, H, W]);
  const x = augmentBatch(src, tfms, normalize);
  src.dispose();
  return x;
}

export class DataLoader {
  private epoch = 0;

  constructor(
    readonly items: readonly string[],
    readonly labels: Int32Array,
    readonly opts: DataLoaderOptions,
  ) {
    if (items.length !== labels.length) throw new WgslnetError(`DataLoader: ${items.length} items but ${labels.length} labels`);
    if (!Number.isInteger(opts.bs) || opts.bs < 1) throw new WgslnetError(`DataLoader: batch size must be a positive integer, got ${opts.bs}`);
  }

  get length(): number {
    return this.opts.dropLast ? Math.floor(this.items.length / this.opts.bs) : Math.ceil(this.items.length / this.opts.bs);
  }

  /** The item order of the next epoch (a seeded Fisher–Yates shuffle when shuffling). */
  private order(rng: Rng): number[] {
    const idx = Array.from(this.items, (_, i) => i);
    if (this.opts.shuffle) {
      for (let i = idx.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [idx[i], idx[j]] = [idx[j]!, idx[i]!];
      }
    }
    return idx;
  }

  private load(idx: number[], rng: Rng): Promise<RgbImage[]> {
    const jobs: LoadJob[] = idx.map((i) => ({ source: this.items[i]!, tfms: this.opts.itemTfms, seed: rng.nextU32(), train: this.opts.train }));
    return loadImages(jobs, this.opts.images);
  }

  /** The batch for these images: augmented when training, identity otherwise. */
  private collate(images: RgbImage[], idx: number[], rng: Rng): Tensor {
    const aug = this.opts.train ? this.opts.batchTfms.aug : null;
    const tfms = images.map(() => (aug ? drawImageTfm(aug, rng) : IDENTITY_TFM));
    return collateImages(images, idx.map((i) => this.items[i]!), tfms, this.opts.batchTfms.normalize);
  }

  /** One epoch of batches. Train loaders shuffle and drop the last partial batch (fastai's defaults). */
  async *[Symbol.asyncIterator](): AsyncGenerator<Batch> {
    const rng = new Rng((this.opts.seed * 1000003 + this.epoch++) >>> 0);
    const order = this.order(rng);
    const batches: number[][] = [];
    for (let s = 0; s < order.length; s += this.opts.bs) {
      const b = order.slice(s, s + this.opts.bs);
      if (b.length < this.opts.bs && this.opts.dropLast) break;
      batches.push(b);
    }
    let next = batches.length ? this.load(batches[0]!, rng) : null;
    try {
      for (let k = 0; k < batches.length; k++) {
        const images = await next!;
        next = k + 1 < batches.length ? this.load(batches[k + 1]!, rng) : null; // prefetch while the GPU works
        const idx = batches[k]!;
        yield { x: this.collate(images, idx, rng), y: Int32Array.from(idx, (i) => this.labels[i]!), items: idx.map((i) => this.items[i]!) };
      }
    } finally {
      next?.catch(() => {}); // a consumer that stops early (lrFind) leaves one prefetch unread
    }
  }
}
