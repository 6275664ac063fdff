// A decode worker: reads an image file, decodes it and runs the item transforms, off the main
// thread, so the GPU is never left waiting on JPEG decoding. Messages: { id, jobs } in,
// { id, images } or { id, error } out; pixel buffers are transferred, not copied.

import { readFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { applyItemTfms } from '../data/itemTransforms.js';
import type { LoadJob } from '../data/loader.js';
import { decodeImage } from './decode.js';

parentPort!.on('message', ({ id, jobs }: { id: number; jobs: LoadJob[] }) => {
  try {
    const images = jobs.map((j) => {
      let bytes: Uint8Array;
      try {
        bytes = readFileSync(j.source);
      } catch (e) {
        throw new Error(`${j.source}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      }
      return applyItemTfms(j.tfms, decodeImage(bytes, j.source), j.seed, j.train);
    });
    parentPort!.postMessage({ id, images }, images.map((im) => im.data.buffer as ArrayBuffer));
  } catch (e) {
    parentPort!.postMessage({ id, error: (e as Error).message });
  }
});
