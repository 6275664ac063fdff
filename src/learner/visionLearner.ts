// visionLearner(dls, resnet18, { metrics, pretrained }): fastai's vision_learner (cnnLearner is the
// same function). The body is the ResNet cut before pooling, starting from torchvision's ImageNet
// weights unless told otherwise (see pretrained.ts for where they come from); the head is fastai's;
// pretrained models are frozen and their inputs normalised with ImageNet statistics, as fastai does.

import { WgslnetError } from '../gpu/errors.js';
import { archByName, archName, type Arch } from './archs.js';
import { imagenetStats } from '../data/batchTransforms.js';
import type { DataLoaders } from '../data/dataLoaders.js';
import { VisionModel } from './head.js';
import { Learner, type LearnerOptions } from './learner.js';
import { exportLearner } from './checkpoint.js';
import { lrFind, type LrFindOptions, type LrFindResult } from './lrFind.js';
import { predictMany, type ImageSource, type Prediction } from './predict.js';
import { loadEntries } from '../nn/weights.js';
import type { ResNet } from '../models/resnet.js';
import { fetchPretrained, WeightsUnavailableError, type PretrainedSource } from './pretrained.js';

export interface VisionLearnerOptions extends LearnerOptions {
  /**
   * Where the body's weights come from (fc is ignored). By default, torchvision's DEFAULT ImageNet
   * weights (V1 for ResNet-18/34, V2 for 50/101/152): from wgslnet's cache, PyTorch's hub cache, or
   * downloaded; when they cannot be had, one line says so and training starts from random weights.
   * `true`: the same, but unavailable weights are an error. `false`: random weights, no lookup.
   * A path or URL (`.pth` or `.safetensors`), the file's bytes, or a File the user picked.
   */
  pretrained?: boolean | string | Uint8Array | ArrayBuffer | Blob;
  /** Base URL of a mirror of torchvision's weight files (default: $WGSLNET_WEIGHTS_URL, else download.pytorch.org). */
  weightsUrl?: string;
}

export class VisionLearner extends Learner {
  constructor(
    dls: DataLoaders,
    model: VisionModel,
    override readonly arch: string,
    opts: LearnerOptions,
  ) {
    super(dls, model, opts);
  }

  /** Set once freeze/unfreeze has been called, so default weights that arrive later keep the user's choice. */
  private freezeChosen = false;

  override freezeTo(n: number): void {
    this.freezeChosen = true;
    super.freezeTo(n);
  }

  /** After default pretrained weights have loaded: frozen (unless chosen already) and ImageNet-normalised, as fastai. */
  usePretrainedDefaults(): void {
    if (!this.freezeChosen) this.freeze();
    if (!this.dls.batchTfms.normalize) this.dls = this.dls.withNormalize(imagenetStats);
  }

  /** { label, index, probs } for one image (a path, encoded bytes or pixels). */
  async predict(src: ImageSource): Promise<Prediction> {
    return (await this.predictMany([src]))[0]!;
  }

  async predictMany(srcs: ImageSource[], bs?: number): Promise<Prediction[]> {
    await this.waitReady();
    return predictMany({ model: this.model, vocab: this.dls.vocab, itemTfms: this.dls.itemTfms, normalize: this.dls.batchTfms.normalize }, srcs, bs);
  }

  /** Weights, vocabulary and transforms for loadLearner (fastai's learn.export). */
  export(path: string): Promise<void> {
    return exportLearner(this, path);
  }

  /** fastai's lr_find: see lrFind.ts. */
  lrFind(opts?: LrFindOptions): Promise<LrFindResult> {
    return lrFind(this, opts);
  }

  /** Frees the model's and optimizer's GPU memory. */
  dispose(): void {
    this.opt.resetState();
    this.model.dispose();
  }
}

/**
 * Returns at once, as fastai's does; pretrained weights load in the background and every fit,
 * validate or predict waits for them (a bad file fails the first of those, naming the file).
 */
export function visionLearner(dls: DataLoaders, arch: Arch | string, opts: VisionLearnerOptions = {}): VisionLearner {
  const archFn = typeof arch === 'string' ? archByName(arch) : arch;
  const name = archName(archFn);
  if (dls.c < 2) throw new WgslnetError(`visionLearner: the data has ${dls.c} class (${dls.vocab.join(', ')}); classification needs at least 2`);
  const body = archFn({ numClasses: 0 });
  const learnerOpts: LearnerOptions = { ...opts };
  const out = new VisionLearner(dls, new VisionModel(body, dls.c), name, learnerOpts);
  const pretrained = opts.pretrained;
  if (pretrained === false) return out;
  const asked = pretrained !== undefined;
  if (asked) {
    out.dls = dls.withNormalize(imagenetStats);
    out.freeze();
  }
  out.whenReady(async () => {
    try {
      const file = await fetchPretrained((pretrained ?? true) as PretrainedSource, name, { output: out.output, baseUrl: opts.weightsUrl });
      loadBody(body, file.tensors, file.name, name);
    } catch (e) {
      if (asked || !(e instanceof WeightsUnavailableError)) throw e;
      out.output.line(`visionLearner: ${e.what}; ${name} starts from random weights. ${e.hint}, or pass { pretrained: false } to skip this lookup.`);
      return;
    }
    if (!asked) out.usePretrainedDefaults();
  });
  return out;
}

/** Torchvision-named weights into the body: fc and other extra keys are ignored, a missing one is an error. */
function loadBody(body: ResNet, tensors: Parameters<typeof loadEntries>[1], source: string, arch: string): void {
  const loaded = new Set(loadEntries(body, tensors, source, false));
  const missing = [...body.stateDict().keys()].filter((k) => !loaded.has(k));
  if (missing.length) {
    throw new WgslnetError(`${source}: not ${arch} weights; missing ${missing.length} keys (${missing.slice(0, 4).join(', ')}${missing.length > 4 ? ', …' : ''})`);
  }
}

/** fastai's older name for visionLearner. */
export const cnnLearner = visionLearner;
