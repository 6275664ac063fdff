// DataLoader: items and label indices → batches on the GPU. Each epoch it (optionally) shuffles,
// loads batches through the platform's ImageIO (decode + item transforms, in workers in Node,
// written straight into reused staging memory), uploads each batch's bytes as one write, and runs
// the batch transforms as kernels. Batches load ahead of the one being trained on, as many as the
// measured timings ask for (prefetch.ts); the time the consumer waits is recorded per epoch.

import { WgslnetError } from '../gpu/errors.js';
import { Rng } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { drawImageTfm, IDENTITY_TFM, type BatchTfms, type ImageTfm } from './batchTransforms.js';
import { batchBytes, collateBytes, collateImages } from './collate.js';
import type { RgbImage } from './image.js';
import { outputSize, type ItemTfm } from './itemTransforms.js';
import { loadImages, loadInto, type Decoder, type LoadJob, type MemoryImages } from './loader.js';
import { PrefetchDepth, StagingPool, type LoaderStats } from './prefetch.js';

export { collateImages } from './collate.js';

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
  /** Which decoder loads the images (default 'auto'). */
  decoder?: Decoder;
  /** Batches loading ahead; default: measured each batch (prefetch.ts). */
  prefetch?: number;
  /** Items that are images in memory, by name (ImageDataLoaders.fromImages). */
  images?: MemoryImages;
}

/** One batch's random numbers, drawn before any loading so prefetching cannot reorder them. */
interface BatchDraws {
  idx: number[];
  seeds: number[];
  tfms: ImageTfm[];
}

type Loaded = { bytes: Uint8Array; size: [number, number] } | { images: RgbImage[] };

export class DataLoader {
  private epoch = 0;
  private readonly staging = new StagingPool();
  /** What the latest epoch measured (waits, load time, prefetch depth). */
  lastEpoch: LoaderStats | null = null;

  constructor(
    readonly items: readonly string[],
    readonly labels: Int32Array,
    readonly opts: DataLoaderOptions,
  ) {
    if (items.length !== labels.length) throw new WgslnetError(`DataLoader: ${items.length} items but ${labels.length} labels`);
    if (!Number.isInteger(opts.bs) || opts.bs < 1) throw new WgslnetError(`DataLoader: batch size must be a positive integer, got ${opts.bs}`);
    if (opts.prefetch !== undefined && !(Number.isInteger(opts.prefetch) && opts.prefetch >= 1)) throw new WgslnetError(`DataLoader: prefetch must be a positive integer, got ${opts.prefetch}`);
  }

  get length(): number {
    return this.opts.dropLast ? Math.floor(this.items.length / this.opts.bs) : Math.ceil(this.items.length / this.opts.bs);
  }

  /** Staging buffers made so far (reused across batches and epochs). */
  get stagingBuffers(): number {
    return this.staging.created;
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

  /**
   * Every batch's item seeds and batch transforms, in the order one-batch-ahead loading always
   * drew them (seeds of batch k + 1, then the transforms of batch k), so any prefetch depth gives
   * the same epoch.
   */
  private draws(batches: number[][], rng: Rng): BatchDraws[] {
    const aug = this.opts.train ? this.opts.batchTfms.aug : null;
    const seeds = (b: number[]) => b.map(() => rng.nextU32());
    const out: BatchDraws[] = batches.map((idx) => ({ idx, seeds: [], tfms: [] }));
    if (out.length) out[0]!.seeds = seeds(batches[0]!);
    out.forEach((d, k) => {
      if (k + 1 < out.length) out[k + 1]!.seeds = seeds(batches[k + 1]!);
      d.tfms = d.idx.map(() => (aug ? drawImageTfm(aug, rng) : IDENTITY_TFM));
    });
    return out;
  }

  /** Decodes one batch: into staging memory when the item transforms fix the size. */
  private async load(d: BatchDraws): Promise<Loaded> {
    const jobs: LoadJob[] = d.idx.map((i, j) => ({ source: this.items[i]!, tfms: this.opts.itemTfms, seed: d.seeds[j]!, train: this.opts.train }));
    const opts = { decoder: this.opts.decoder ?? 'auto' };
    const size = outputSize(this.opts.itemTfms);
    if (!size) return { images: await loadImages(jobs, this.opts.images, opts) };
    const [h, w] = size;
    const bytes = this.staging.take(batchBytes(jobs.length, h, w));
    try {
      await loadInto(jobs, { data: bytes, width: w, height: h }, opts, this.opts.images);
    } catch (e) {
      this.staging.give(bytes);
      throw e;
    }
    return { bytes, size };
  }

  /** The batch tensor; the staging buffer goes back to the pool once uploaded. */
  private collate(l: Loaded, d: BatchDraws): Tensor {
    const norm = this.opts.batchTfms.normalize;
    if ('images' in l) return collateImages(l.images, d.idx.map((i) => this.items[i]!), d.tfms, norm);
    try {
      return collateBytes(l.bytes, d.idx.length, l.size[0], l.size[1], d.tfms, norm);
    } finally {
      this.staging.give(l.bytes);
    }
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
    const draws = this.draws(batches, rng);
    const depth = new PrefetchDepth(this.opts.prefetch);
    this.lastEpoch = depth.stats;
    const inFlight: Promise<Loaded>[] = [];
    let requested = 0;
    const request = () => {
      const d = draws[requested]!;
      const t = performance.now();
      const p = this.load(d);
      p.then(() => depth.loaded(t, performance.now())).catch(() => {});
      inFlight[requested++] = p;
    };
    try {
      for (let k = 0; k < draws.length; k++) {
        const asked = performance.now();
        while (requested < draws.length && requested <= k + depth.depth - 1) request();
        const loaded = await inFlight[k]!;
        delete inFlight[k];
        const d = draws[k]!;
        const x = this.collate(loaded, d);
        depth.waited(performance.now() - asked);
        const handed = performance.now();
        yield { x, y: Int32Array.from(d.idx, (i) => this.labels[i]!), items: d.idx.map((i) => this.items[i]!) };
        depth.consumed(performance.now() - handed);
      }
    } finally {
      // A consumer that stops early (lrFind) leaves batches loading; their staging comes back when they finish.
      for (const p of inFlight) p?.then((l) => 'bytes' in l && this.staging.give(l.bytes)).catch(() => {});
    }
  }
}
