// visionLearner(dls, resnet18, { metrics, pretrained }): fastai's vision_learner (cnnLearner is the
// same function). The body is the ResNet cut before pooling, loaded from torchvision-named
// safetensors when `pretrained` is a path; the head is fastai's; pretrained models are frozen
// and their inputs normalised with ImageNet statistics, as fastai does.

import { WgslnetError } from '../gpu/errors.js';
import { archByName, archName, type Arch } from './archs.js';
import { imagenetStats } from '../data/batchTransforms.js';
import type { DataLoaders } from '../data/dataLoaders.js';
import { VisionModel } from './head.js';
import { Learner, type LearnerOptions } from './learner.js';
import { exportLearner } from './checkpoint.js';
import { lrFind, type LrFindOptions, type LrFindResult } from './lrFind.js';
import { predictMany, type ImageSource, type Prediction } from './predict.js';

export interface VisionLearnerOptions extends LearnerOptions {
  /** A safetensors file of torchvision weights for the body (fc is ignored); none by default. */
  pretrained?: string | Uint8Array | false;
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
  if (opts.pretrained) {
    const source = opts.pretrained;
    out.whenReady(async () => {
      const loaded = new Set(await body.loadSafetensors(source, { strict: false }));
      const missing = [...body.stateDict().keys()].filter((k) => !loaded.has(k));
      if (missing.length) {
        throw new WgslnetError(`${typeof source === 'string' ? source : 'pretrained weights'}: not ${name} weights; missing ${missing.length} keys (${missing.slice(0, 4).join(', ')}${missing.length > 4 ? ', …' : ''})`);
      }
    });
    out.dls = dls.withNormalize(imagenetStats);
    out.freeze();
  } else {
    out.output.line(`visionLearner: no pretrained weights (none can be downloaded here), so ${name} starts from random initialisation; pass { pretrained: '${name}.safetensors' } to start from torchvision's.`);
  }
  return out;
}

/** fastai's older name for visionLearner. */
export const cnnLearner = visionLearner;
