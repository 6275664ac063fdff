// A decode worker: reads an image file, decodes it and runs the item transforms, off the main
// thread, with sharp when it loaded (and the task allows) or with the pure-JS path. One task at a
// time, in arrival order. Messages:
//   in:  { id, job, decoder, out? }   out = { buffer (shared), byteOffset, width, height }
//   out: { id, path: 'sharp' | 'js', fallback?, image? } or { id, error }
// With `out` the pixels are written into the shared batch buffer and nothing comes back but the
// path; without it the image's buffer is transferred, not copied.

import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { RgbImage } from '../data/image.js';
import { applyItemTfms } from '../data/itemTransforms.js';
import type { Decoder, LoadJob } from '../data/loader.js';
import { sizeMismatch } from '../data/loader.js';
import { decodeImage } from './decode.js';
import { loadSharp, sharpDecode } from './sharpDecode.js';

export interface DecodeTask {
  id: number;
  job: LoadJob;
  decoder: Decoder;
  out?: { buffer: SharedArrayBuffer; byteOffset: number; width: number; height: number };
}

export type DecodeReply = { id: number; path: 'sharp' | 'js'; fallback?: string; image?: RgbImage } | { id: number; error: string };

const { sharpModule, threadsPerImage } = workerData as { sharpModule?: string; threadsPerImage: number };
const sharpLoad = loadSharp(sharpModule).then((r) => {
  if ('sharp' in r) r.sharp.concurrency(threadsPerImage);
  return r;
});

async function run(t: DecodeTask): Promise<DecodeReply> {
  const { job } = t;
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(job.source);
  } catch (e) {
    return { id: t.id, error: `${job.source}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
  }
  const loaded = t.decoder === 'js' ? null : await sharpLoad;
  if (loaded && 'error' in loaded && t.decoder === 'sharp') {
    return { id: t.id, error: `decoder 'sharp': sharp did not load (${loaded.error}); run npm install sharp, or use decoder 'auto' or 'js'` };
  }
  const useSharp = loaded !== null && 'sharp' in loaded;
  const image = useSharp ? await sharpDecode(loaded.sharp, bytes, job.source, job.tfms, job.seed, job.train) : applyItemTfms(job.tfms, decodeImage(bytes, job.source), job.seed, job.train);
  const reply = { id: t.id, path: useSharp ? 'sharp' : 'js', fallback: loaded && 'error' in loaded ? loaded.error : undefined } as const;
  if (!t.out) return { ...reply, image };
  const { buffer, byteOffset, width, height } = t.out;
  if (image.width !== width || image.height !== height) throw sizeMismatch(job.source, image, t.out);
  new Uint8Array(buffer, byteOffset, width * height * 3).set(image.data);
  return reply;
}

/** A buffer this thread may give away: the image's own, or a copy when it shares one. */
function ownBuffer(im: RgbImage): ArrayBuffer {
  const b = im.data.buffer;
  if (b instanceof ArrayBuffer && im.data.byteOffset === 0 && im.data.byteLength === b.byteLength) return b;
  im.data = im.data.slice();
  return im.data.buffer as ArrayBuffer;
}

let queue = Promise.resolve();
parentPort!.on('message', (t: DecodeTask) => {
  queue = queue.then(async () => {
    let reply: DecodeReply;
    try {
      reply = await run(t);
    } catch (e) {
      reply = { id: t.id, error: (e as Error).message };
    }
    if ('image' in reply && reply.image) {
      try {
        parentPort!.postMessage(reply, [ownBuffer(reply.image)]);
      } catch {
        // Memory Node cannot detach (libvips' output buffers): send a copy that it can.
        reply.image.data = new Uint8Array(reply.image.data);
        parentPort!.postMessage(reply, [reply.image.data.buffer as ArrayBuffer]);
      }
    } else parentPort!.postMessage(reply);
  });
});
