// A pool of decode workers (decodeWorker.ts). A batch of jobs is cut into one chunk per worker and
// the results come back in order. Workers are unref'd while idle, so they never keep Node alive.

import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { WgslnetError } from '../gpu/errors.js';
import type { RgbImage } from '../data/image.js';
import type { LoadJob } from '../data/loader.js';

interface Pending {
  resolve: (images: RgbImage[]) => void;
  reject: (e: Error) => void;
}

/**
 * Run from source (tsx, vitest), the worker is TypeScript: a one-line bootstrap registers tsx's
 * loader inside the worker, then imports it (Node 20 does not pass --import hooks to workers).
 * (tsx is a development dependency: the published package runs the compiled decodeWorker.js.)
 */
function tsWorker(url: URL): Worker {
  const tsxRoot = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const tsxApi = pathToFileURL(join(tsxRoot, 'dist/esm/api/index.mjs')).href;
  const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(boot, { eval: true });
}

export class DecodePool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  /** Half the cores by default: the other half runs the GPU driver (lavapipe is on the CPU too). */
  constructor(readonly size = Math.max(1, Math.floor(availableParallelism() / 2))) {}

  private spawn(): Worker {
    const w = import.meta.url.endsWith('.ts') ? tsWorker(new URL('./decodeWorker.ts', import.meta.url)) : new Worker(new URL('./decodeWorker.js', import.meta.url));
    w.on('message', (m: { id: number; images?: RgbImage[]; error?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (!this.pending.size) for (const x of this.workers) x.unref();
      if (m.error) p.reject(new WgslnetError(m.error));
      else p.resolve(m.images!);
    });
    w.on('error', (e) => {
      for (const p of this.pending.values()) p.reject(new WgslnetError(`decode worker failed: ${e.message}`));
      this.pending.clear();
    });
    w.unref();
    return w;
  }

  private run(worker: Worker, jobs: LoadJob[]): Promise<RgbImage[]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ id, jobs });
    });
  }

  async load(jobs: LoadJob[]): Promise<RgbImage[]> {
    if (!jobs.length) return [];
    while (this.workers.length < this.size) this.workers.push(this.spawn());
    const per = Math.ceil(jobs.length / this.size);
    const chunks = this.workers.map((w, i) => this.run(w, jobs.slice(i * per, (i + 1) * per)));
    return (await Promise.all(chunks)).flat();
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
  }
}
