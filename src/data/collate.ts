// Collation: N same-size RGB images → one [N, 3, H, W] batch on the GPU. The images are 8-bit
// bytes back to back (the decode workers write them straight into a shared staging buffer); the
// upload sends those bytes as they are (one copy per batch, out of shared memory) and
// unpack_rgb8.wgsl turns them into float planes, so the CPU never converts a pixel and moves a
// quarter of the bytes. Then augment.wgsl (batch transforms).

import { WgslnetError } from '../gpu/errors.js';
import { defineKernel } from '../gpu/kernelDecl.js';
import { runtime } from '../gpu/runtime.js';
import { grid1d, launch, output } from '../ops/launch.js';
import { emptyTensor, type Tensor } from '../tensor/tensor.js';
import { augmentBatch, type ImageTfm, type Normalize } from './batchTransforms.js';
import type { RgbImage } from './image.js';

const UNPACK_RGB8 = defineKernel({
  file: 'augment/unpack_rgb8.wgsl',
  params: { N: 'u32', H: 'u32', W: 'u32' },
  inputs: ['bytes'],
  outputs: ['out'],
  overrides: ['WG'],
});

/** The upload's copy of a batch in shared memory (Dawn's writeBuffer refuses SharedArrayBuffers). */
let mirror = new ArrayBuffer(0);

/** `words` words of `bytes` as a view writeBuffer takes: itself, or its copy in the reused mirror. */
function uploadable(bytes: Uint8Array, words: number): Uint32Array {
  if (bytes.buffer instanceof ArrayBuffer) return new Uint32Array(bytes.buffer, bytes.byteOffset, words);
  if (mirror.byteLength < words * 4) mirror = new ArrayBuffer(words * 4);
  const view = new Uint32Array(mirror, 0, words);
  view.set(new Uint32Array(bytes.buffer, bytes.byteOffset, words));
  return view;
}

/** Bytes for n H×W RGB images, rounded up to whole 4-byte words (what the upload sends). */
export const batchBytes = (n: number, h: number, w: number) => Math.ceil((n * h * w * 3) / 4) * 4;

/**
 * `bytes` (n images of h×w×3, back to back; byteOffset and length multiples of 4) → [n, 3, h, w]
 * f32 planes of 0–255 values on the GPU.
 */
export function uploadRgb8(bytes: Uint8Array, n: number, h: number, w: number): Tensor {
  const words = batchBytes(n, h, w) / 4;
  if (bytes.byteOffset % 4 || bytes.byteLength < words * 4) throw new WgslnetError(`collate: ${n} images of ${w}×${h} need ${words * 4} word-aligned bytes, got ${bytes.byteLength} at offset ${bytes.byteOffset}`);
  const packed = emptyTensor([words], 'collate');
  runtime().write(packed.buffer('collate'), uploadable(bytes, words));
  const out = output([n, 3, h, w], 'unpackRgb8');
  launch('unpackRgb8', UNPACK_RGB8, { params: { N: n, H: h, W: w }, inputs: [packed], outputs: [out], workgroups: grid1d(n * h * w) });
  packed.dispose();
  return out;
}

/** Collated bytes (uploadRgb8's layout) → the batch-transform kernel with one transform per image. */
export function collateBytes(bytes: Uint8Array, n: number, h: number, w: number, tfms: ImageTfm[], normalize: Normalize | null): Tensor {
  const src = uploadRgb8(bytes, n, h, w);
  const x = augmentBatch(src, tfms, normalize);
  src.dispose();
  return x;
}

/**
 * Same-size images → [N, 3, H, W] (one upload) → the batch-transform kernel with one transform
 * per image. `names` label the images in the size error. Used by predict and by loaders whose
 * images have no fixed size.
 */
export function collateImages(images: RgbImage[], names: string[], tfms: ImageTfm[], normalize: Normalize | null): Tensor {
  const { width: W, height: H } = images[0]!;
  const bytes = new Uint8Array(batchBytes(images.length, H, W));
  images.forEach((im, k) => {
    if (im.width !== W || im.height !== H) {
      throw new WgslnetError(`batch: ${names[k]} is ${im.width}×${im.height} but ${names[0]} is ${W}×${H}; add an item transform such as Resize(size)`);
    }
    bytes.set(im.data, k * W * H * 3);
  });
  return collateBytes(bytes, images.length, H, W, tfms, normalize);
}
