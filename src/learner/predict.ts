// predict: image (a path, encoded bytes, or decoded pixels) → { label, index, probs }, through the
// validation item transforms, the normalisation and the model in evaluation mode. Shared by a
// Learner and by a learner loaded with loadLearner (inference only).

import { tensor } from '../ops/creation.js';
import { noGrad } from '../tensor/autograd.js';
import { tidy } from '../tensor/scope.js';
import { augmentBatch, IDENTITY_TFM, type Normalize } from '../data/batchTransforms.js';
import { toPlanes, type RgbImage } from '../data/image.js';
import { applyItemTfms, type ItemTfm } from '../data/itemTransforms.js';
import { imageIO } from '../data/loader.js';
import { WgslnetError } from '../gpu/errors.js';
import type { Module } from '../nn/module.js';
import { argmaxRow, crossEntropyRows } from './metrics.js';

export type ImageSource = string | Uint8Array | RgbImage;

export interface Prediction {
  label: string;
  index: number;
  /** Softmax probabilities, one per class of the vocabulary. */
  probs: Float32Array;
}

export interface InferenceSetup {
  model: Module;
  vocab: string[];
  itemTfms: ItemTfm[];
  normalize: Normalize | null;
}

async function toPixels(src: ImageSource, tfms: ItemTfm[]): Promise<RgbImage> {
  if (typeof src === 'string') return (await imageIO().load([{ source: src, tfms, seed: 0, train: false }]))[0]!;
  const img = src instanceof Uint8Array ? await imageIO().decode(src, 'image bytes') : src;
  return applyItemTfms(tfms, img, 0, false);
}

/** Predictions for a list of images, in batches of `bs`. */
export async function predictMany(s: InferenceSetup, sources: ImageSource[], bs = 64): Promise<Prediction[]> {
  const out: Prediction[] = [];
  const k = s.vocab.length;
  for (let b = 0; b < sources.length; b += bs) {
    const images = await Promise.all(sources.slice(b, b + bs).map((src) => toPixels(src, s.itemTfms)));
    const { width: W, height: H } = images[0]!;
    const odd = images.find((im) => im.width !== W || im.height !== H);
    if (odd) throw new WgslnetError(`predict: images of different sizes (${W}×${H} and ${odd.width}×${odd.height}) and no Resize item transform`);
    const planes = toPlanes(images);
    const wasTraining = s.model.training;
    s.model.eval();
    const logits = noGrad(() =>
      tidy(() => {
        const src = tensor(planes, [images.length, 3, H, W]);
        return s.model.forward(augmentBatch(src, images.map(() => IDENTITY_TFM), s.normalize));
      }),
    );
    s.model.train(wasTraining);
    const values = await logits.toArray();
    logits.dispose();
    const { probs } = crossEntropyRows(values, null, k);
    images.forEach((_, i) => {
      const index = argmaxRow(values, i, k);
      out.push({ label: s.vocab[index]!, index, probs: probs.slice(i * k, (i + 1) * k) });
    });
  }
  return out;
}
