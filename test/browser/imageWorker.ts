// Runs in a dedicated Web Worker, as the studio's training worker does: the browser's image path
// (fetch, createImageBitmap, the item transforms) and a DataLoader batch on the worker's own GPU
// device. Posts back the pixels for the test to compare with Node's pure-JS path.

import { browserImageIO } from '../../src/browser/images.js';
import { ImageDataLoaders, init, Resize, type Decoder, type ItemTfm } from '../../src/browser/index.js';

interface Job {
  source: string;
  tfms: ItemTfm[];
  seed: number;
  train: boolean;
}

async function run(d: { jobs: Job[]; decoder: Decoder; batchUrls: string[] }) {
  const images = await browserImageIO.load(d.jobs, { decoder: d.decoder });
  await init();
  const urls = d.batchUrls;
  // All but one image in validation: centre crops, no randomness, in order.
  const dls = ImageDataLoaders.fromLists('', urls, urls.map((u) => u.split('/').at(-1)!.split('_')[0]!), {
    splitter: () => ({ train: [0], valid: urls.map((_, i) => i) }),
    bs: 1,
    valBs: urls.length,
    itemTfms: [Resize(20)],
    decoder: d.decoder,
  });
  let batch: { values: number[]; shape: readonly number[] } | null = null;
  for await (const b of dls.valid) {
    batch = { values: Array.from(await b.x.toArray()), shape: b.x.shape };
    b.x.dispose();
  }
  return { inWorker: typeof (globalThis as { document?: unknown }).document === 'undefined', images: images.map((im) => ({ width: im.width, height: im.height, data: Array.from(im.data) })), batch };
}

self.onmessage = (e: MessageEvent) => {
  run(e.data).then(
    (r) => self.postMessage(r),
    (err: Error) => self.postMessage({ error: `${err.message}\n${err.stack}` }),
  );
};
