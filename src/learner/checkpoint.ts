// Persistence. save/load: weights and optimizer state in one safetensors file, to resume
// training. exportLearner/loadLearner: weights plus what inference needs (architecture,
// vocabulary, item transforms, normalisation) in the safetensors metadata. Every write is atomic
// (a temporary file renamed over the target), so a crash never loses the previous checkpoint.

import { WgslnetError } from '../gpu/errors.js';
import { readBytes, writeBytes } from '../io/platform.js';
import { parseSafetensors, serializeSafetensors, toFloat32, type OutEntry, type TensorEntry } from '../io/safetensors.js';
import { loadEntries, stateEntries } from '../nn/weights.js';
import type { Normalize } from '../data/batchTransforms.js';
import type { ItemTfm } from '../data/itemTransforms.js';
import { VisionModel } from './head.js';
import { predictMany, type ImageSource, type InferenceSetup, type Prediction } from './predict.js';
import { archByName } from './archs.js';
import type { Learner } from './learner.js';
import type { VisionLearner } from './visionLearner.js';

const OPT_PREFIX = 'optimizer.';

/** Writes weights and (unless withOpt is false) optimizer state to `path` (fastai's learn.save). */
export async function saveCheckpoint(learn: Learner, path: string, withOpt = true): Promise<void> {
  await learn.waitReady();
  const entries: OutEntry[] = await stateEntries(learn.model);
  const opt = withOpt ? await learn.opt.stateDict() : { step: 0, tensors: new Map() };
  for (const [k, { shape, values }] of opt.tensors) entries.push({ name: OPT_PREFIX + k, dtype: 'F32', shape, values });
  await writeBytes(path, serializeSafetensors(entries, { wgslnet: 'checkpoint', arch: learn.arch, optimizerStep: String(opt.step) }));
}

/** Restores weights and (unless withOpt is false, which leaves the optimizer as it is) optimizer state saved by saveCheckpoint (learn.load). */
export async function loadCheckpoint(learn: Learner, path: string, withOpt = true): Promise<void> {
  const file = parseSafetensors(await readBytes(path), path);
  const model = new Map<string, TensorEntry>();
  const opt = new Map<string, { shape: readonly number[]; values: Float32Array }>();
  for (const [k, e] of file.tensors) {
    if (k.startsWith(OPT_PREFIX)) opt.set(k.slice(OPT_PREFIX.length), { shape: e.shape, values: toFloat32(e, k, path) });
    else model.set(k, e);
  }
  await learn.waitReady();
  loadEntries(learn.model, model, path);
  if (!withOpt) return;
  learn.opt.resetState();
  learn.opt.loadStateDict({ step: Number(file.metadata.optimizerStep ?? 0), tensors: opt });
}

/** Writes what inference needs (learn.export). */
export async function exportLearner(learn: VisionLearner, path: string): Promise<void> {
  await learn.waitReady();
  const entries = await stateEntries(learn.model);
  await writeBytes(
    path,
    serializeSafetensors(entries, {
      wgslnet: 'learner',
      arch: learn.arch,
      vocab: JSON.stringify(learn.dls.vocab),
      itemTfms: JSON.stringify(learn.dls.itemTfms),
      normalize: JSON.stringify(learn.dls.batchTfms.normalize),
    }),
  );
}

/** A learner for inference only, from exportLearner's file. */
export class InferenceLearner {
  constructor(
    readonly setup: InferenceSetup,
    readonly arch: string,
  ) {}
  get vocab(): string[] {
    return this.setup.vocab;
  }
  predict(src: ImageSource): Promise<Prediction> {
    return predictMany(this.setup, [src]).then((p) => p[0]!);
  }
  predictMany(srcs: ImageSource[], bs?: number): Promise<Prediction[]> {
    return predictMany(this.setup, srcs, bs);
  }
  dispose(): void {
    this.setup.model.dispose();
  }
}

/** fastai's load_learner: rebuilds the model from the file's metadata and loads the weights. */
export async function loadLearner(path: string): Promise<InferenceLearner> {
  const file = parseSafetensors(await readBytes(path), path);
  const m = file.metadata;
  if (m.wgslnet !== 'learner') {
    throw new WgslnetError(`${path}: not an exported learner (no wgslnet learner metadata); write one with learn.export(), or load bare weights with model.loadSafetensors()`);
  }
  let vocab: string[], itemTfms: ItemTfm[], normalize: Normalize | null;
  try {
    [vocab, itemTfms, normalize] = [JSON.parse(m.vocab!), JSON.parse(m.itemTfms!), JSON.parse(m.normalize!)];
  } catch (e) {
    throw new WgslnetError(`${path}: corrupt learner metadata (${(e as Error).message})`);
  }
  const model = new VisionModel(archByName(m.arch ?? '')({ numClasses: 0 }), vocab.length);
  loadEntries(model, file.tensors, path);
  model.eval();
  return new InferenceLearner({ model, vocab, itemTfms, normalize }, m.arch!);
}
