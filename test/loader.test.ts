// The loader around the decoders, on the GPU (lavapipe here): the u8 upload and its unpack kernel,
// batches written into reused staging memory, the measured prefetch depth, and epochs that come
// out the same whatever the depth or the decoder.

import { describe, expect, it, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { uploadRgb8 } from '../src/data/collate.js';
import type { DataLoader } from '../src/data/dataLoader.js';
import { toPlanes, rgbImage } from '../src/data/image.js';
import { applyItemTfms } from '../src/data/itemTransforms.js';
import { MAX_DEPTH, MIN_DEPTH, PrefetchDepth } from '../src/data/prefetch.js';
import { decodeImage } from '../src/node/decode.js';
import { loadSharp } from '../src/node/sharpDecode.js';
import { ImageDataLoaders, Resize, type Decoder } from '../src/node/index.js';
import { labelOf, sampleFiles } from './helpers/fashion.js';
import { setupGpu } from './helpers/gpu.js';

beforeAll(setupGpu);
const hasSharp = 'sharp' in (await loadSharp());

describe('upload', () => {
  it('unpack_rgb8.wgsl turns back-to-back RGB bytes into [N, 3, H, W] planes (odd sizes, a padded last word)', async () => {
    const [N, H, W] = [3, 5, 7]; // 315 bytes: the last word is part padding
    const images = Array.from({ length: N }, () => rgbImage(W, H, Uint8Array.from({ length: H * W * 3 }, () => Math.floor(Math.random() * 256))));
    const bytes = new Uint8Array(Math.ceil((N * H * W * 3) / 4) * 4);
    images.forEach((im, n) => bytes.set(im.data, n * H * W * 3));
    const planes = uploadRgb8(bytes, N, H, W);
    expect(planes.shape).toEqual([N, 3, H, W]);
    expect(Array.from(await planes.toArray())).toEqual(Array.from(toPlanes(images)));
    planes.dispose();
    expect(() => uploadRgb8(bytes.subarray(1), N, H, W)).toThrow(/word-aligned bytes/);
  });
});

describe('prefetch depth', () => {
  it('covers the slowest recent batch with the consumer’s time per batch, between the bounds', () => {
    const measure = (service: number, consumer: number) => {
      const d = new PrefetchDepth();
      for (let k = 0, t = 0; k < 8; k++, t += service) {
        d.loaded(t, t + service); // back to back: the pool was busy all along
        d.consumed(consumer);
      }
      return d.depth;
    };
    expect(measure(100, 20)).toBe(6); // ⌈100 / 20⌉ + 1
    expect(measure(10, 100)).toBe(MIN_DEPTH); // loading hides behind one step
    expect(measure(1000, 10)).toBe(MAX_DEPTH);
    expect(new PrefetchDepth(3).depth).toBe(3);
  });
});

describe('DataLoader', () => {
  const files = sampleFiles(['trouser', 'bag', 'sneaker'], 8); // 24 Fashion-MNIST PNGs, 28×28
  const make = (decoder: Decoder) => ImageDataLoaders.fromNameFunc('', files, { validPct: 0.25, seed: 5, labelFunc: labelOf, itemTfms: [Resize(20)], bs: 4, decoder }).train;
  const epoch = async (dl: DataLoader) => {
    const out: number[][] = [];
    for await (const b of dl) {
      out.push(Array.from(await b.x.toArray()));
      b.x.dispose();
    }
    return out;
  };
  const withPrefetch = (dl: DataLoader, prefetch: number) => new (dl.constructor as typeof DataLoader)(dl.items, dl.labels, { ...dl.opts, prefetch });

  it('the same epoch at any prefetch depth; staging memory is reused; each epoch reports its waits and depth', async () => {
    const dl = make('js');
    const [a, b] = [await epoch(withPrefetch(dl, 1)), await epoch(withPrefetch(dl, 5))];
    expect(b).toEqual(a);
    const measured = make('js');
    expect(await epoch(measured)).toEqual(a);
    const buffers = measured.stagingBuffers;
    expect(buffers).toBeGreaterThan(0);
    expect(buffers).toBeLessThanOrEqual(MAX_DEPTH + 1);
    await epoch(measured);
    expect(measured.stagingBuffers).toBe(buffers); // the second epoch made none
    const s = measured.lastEpoch!;
    expect(s.batches).toBe(measured.length);
    expect(s.waitSeconds).toBeGreaterThan(0);
    expect(s.loadSeconds).toBeGreaterThan(0);
    expect(s.depth).toBeGreaterThanOrEqual(MIN_DEPTH);
    expect(s.depth).toBeLessThanOrEqual(MAX_DEPTH);
  }, 120_000);

  it('validation batches are the images the JS path decodes, to the byte; sharp’s agree within its tolerance', async () => {
    const valid = (decoder: Decoder) => ImageDataLoaders.fromNameFunc('', files, { validPct: 0.25, seed: 5, labelFunc: labelOf, itemTfms: [Resize(20)], bs: 4, decoder }).valid;
    const js = valid('js');
    const want = js.items.map((f) => applyItemTfms([Resize(20)], decodeImage(readFileSync(f), f), 0, false));
    const got = (await epoch(js)).flatMap((v) => Array.from({ length: v.length / 1200 }, (_, n) => v.slice(n * 1200, (n + 1) * 1200)));
    got.forEach((v, n) => expect(v.map((x) => Math.round(x * 255))).toEqual(Array.from(toPlanes([want[n]!]))));
    if (!hasSharp) return console.log('sharp not installed: the sharp loader comparison is skipped');
    const [viaSharp, viaJs] = [(await epoch(valid('sharp'))).flat(), (await epoch(valid('js'))).flat()];
    const d = viaSharp.map((v, i) => Math.abs(v - viaJs[i]!) * 255);
    expect(Math.max(...d)).toBeLessThanOrEqual(12.001); // edge rows and columns (decoders.test.ts)
    expect(d.reduce((x, y) => x + y) / d.length).toBeLessThan(1);
    console.log('loader ran both decoders: js and sharp');
  }, 120_000);
});
