// predict: image (a path, encoded bytes, or decoded pixels) → { label, index, probs }, through the
// validation item transforms, the normalisation and the model in evaluation mode. Shared by a
// Learner and by a learner loaded with loadLearner (inference only).

import { noGrad } from '../tensor/autograd.js';
import { tidy } from '../tensor/scope.js';
import { IDENTITY_TFM, type Normalize } from '../data/batchTransforms.js';
import { collateImages } from '../data/dataLoader.js';
import type { RgbImage } from '../data/image.js';
import { applyItemTfms, type ItemTfm } from '../data/itemTransforms.js';
import { imageIO } from '../data/loader.js';
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
    const chunk = sources.slice(b, b + bs);
    const images = await Promise.all(chunk.map((src) => toPixels(src, s.itemTfms)));
    const names = chunk.map((src, i) => (typeof src === 'string' ? src : `image ${b + i}`));
    const wasTraining = s.model.training;
    s.model.eval();
    const logits = noGrad(() => tidy(() => s.model.forward(collateImages(images, names, images.map(() => IDENTITY_TFM), s.normalize))));
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
