// A pool of decode workers (decodeWorker.ts), one per core by default. Images are tasks in one
// first-in first-out queue; each worker holds at most two (one running, one waiting, so it never
// idles between messages), which balances a batch of mixed image sizes across the workers.
// Batch pixels go straight into the caller's shared buffer. Workers are unref'd while idle, so
// they never keep Node alive.

import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { WgslnetError } from '../gpu/errors.js';
import type { RgbImage } from '../data/image.js';
import type { BatchTarget, Decoder, LoadJob, LoadOptions } from '../data/loader.js';
import type { DecodeReply, DecodeTask } from './decodeWorker.js';

export interface DecodePoolOptions {
  /** Worker threads (default: WGSLNET_DECODE_WORKERS, else one per core). */
  size?: number;
  /** The module to load as sharp (tests point it at a broken one). */
  sharpModule?: string;
  /** Where the one-line "sharp did not load" notice goes (default console.warn). */
  notice?: (line: string) => void;
}

interface Task {
  msg: Omit<DecodeTask, 'id'>;
  resolve: (image: RgbImage | null) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  running: Map<number, Task>;
}

const PER_WORKER = 2;
/** Where the "sharp did not load" notice went already: it is said once (per process, by default). */
const told = new WeakSet<(line: string) => void>();

export function defaultWorkers(): number {
  const env = Number(process.env.WGSLNET_DECODE_WORKERS);
  return Number.isInteger(env) && env > 0 ? env : availableParallelism();
}

/**
 * Run from source (tsx, vitest), the worker is TypeScript: a one-line bootstrap registers tsx's
 * loader inside the worker, then imports it (Node 20 does not pass --import hooks to workers).
 * (tsx is a development dependency: the published package runs the compiled decodeWorker.js.)
 */
function tsWorker(url: URL, workerData: unknown): Worker {
  const tsxRoot = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const tsxApi = pathToFileURL(join(tsxRoot, 'dist/esm/api/index.mjs')).href;
  const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(boot, { eval: true, workerData });
}

export class DecodePool {
  readonly size: number;
  /** Images decoded by each path so far (tests and the bench report which one ran). */
  readonly decoded = { sharp: 0, js: 0 };
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;

  constructor(private readonly opts: DecodePoolOptions = {}) {
    this.size = opts.size ?? defaultWorkers();
    if (!Number.isInteger(this.size) || this.size < 1) throw new WgslnetError(`decode workers: need a positive integer, got ${this.size}`);
  }

  private spawn(): Slot {
    // libvips runs each image on Node's thread pool (UV_THREADPOOL_SIZE, default 4), shared by
    // every worker: with more workers than that, each image gets more libvips threads instead.
    const uvThreads = Number(process.env.UV_THREADPOOL_SIZE) || 4;
    const workerData = { sharpModule: this.opts.sharpModule, threadsPerImage: Math.max(1, Math.floor(availableParallelism() / Math.min(this.size, uvThreads))) };
    // The path, not the whole URL: loaders such as tsx's tsImport add a query to import.meta.url.
    const fromSource = new URL(import.meta.url).pathname.endsWith('.ts');
    const worker = fromSource ? tsWorker(new URL('./decodeWorker.ts', import.meta.url), workerData) : new Worker(new URL('./decodeWorker.js', import.meta.url), { workerData });
    const slot: Slot = { worker, running: new Map() };
    worker.on('message', (m: DecodeReply) => this.done(slot, m));
    worker.on('error', (e) => {
      for (const t of slot.running.values()) t.reject(new WgslnetError(`decode worker failed: ${e.message}`));
      slot.running.clear();
      this.slots.splice(this.slots.indexOf(slot), 1);
      this.pump();
    });
    worker.unref();
    return slot;
  }

  private done(slot: Slot, m: DecodeReply): void {
    const t = slot.running.get(m.id);
    if (!t) return;
    slot.running.delete(m.id);
    if ('error' in m) t.reject(new WgslnetError(m.error));
    else {
      this.decoded[m.path]++;
      const notice = this.opts.notice ?? console.warn;
      if (m.fallback && !told.has(notice)) {
        told.add(notice);
        notice(`wgslnet: sharp did not load (${m.fallback}); decoding with the pure-JS path (pngjs, jpeg-js), several times slower`);
      }
      t.resolve(m.image ?? null);
    }
    this.pump();
  }

  /** Hands queued tasks to workers with room, least busy first. */
  private pump(): void {
    while (this.slots.length < this.size) this.slots.push(this.spawn());
    while (this.queue.length) {
      const slot = this.slots.reduce((a, b) => (b.running.size < a.running.size ? b : a));
      if (slot.running.size >= PER_WORKER) break;
      const t = this.queue.shift()!;
      const id = this.nextId++;
      slot.running.set(id, t);
      slot.worker.postMessage({ id, ...t.msg });
    }
    for (const s of this.slots) (s.running.size ? s.worker.ref() : s.worker.unref());
  }

  private submit(msg: Omit<DecodeTask, 'id'>): Promise<RgbImage | null> {
    return new Promise((resolve, reject) => {
      this.queue.push({ msg, resolve, reject });
      this.pump();
    });
  }

  /** Waits for every task, then throws the first failure (so no task still writes into a buffer the caller reuses). */
  private async all<T>(tasks: Promise<T>[]): Promise<T[]> {
    const settled = await Promise.allSettled(tasks);
    const failed = settled.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
  }

  async load(jobs: LoadJob[], opts: LoadOptions = {}): Promise<RgbImage[]> {
    const decoder: Decoder = opts.decoder ?? 'auto';
    return (await this.all(jobs.map((job) => this.submit({ job, decoder })))) as RgbImage[];
  }

  /** Decodes into `out` (shared memory): image n at n·width·height·3. */
  async loadInto(jobs: LoadJob[], out: BatchTarget, opts: LoadOptions = {}): Promise<void> {
    const { data, width, height } = out;
    if (!(data.buffer instanceof SharedArrayBuffer)) throw new WgslnetError('decode pool: the batch buffer must be shared memory (a SharedArrayBuffer)');
    if (data.byteLength < jobs.length * width * height * 3) throw new WgslnetError(`decode pool: ${jobs.length} images of ${width}×${height} do not fit in ${data.byteLength} bytes`);
    const decoder: Decoder = opts.decoder ?? 'auto';
    const size = width * height * 3;
    await this.all(jobs.map((job, n) => this.submit({ job, decoder, out: { buffer: data.buffer as SharedArrayBuffer, byteOffset: data.byteOffset + n * size, width, height } })));
  }

  async close(): Promise<void> {
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}
