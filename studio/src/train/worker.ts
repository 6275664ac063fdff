// The training worker: owns the GPU device, the data and the Learner, so the page stays responsive
// while a fit runs. The page calls the methods below (rpc.ts) and draws what the events report.

import {
  ClassificationInterpretation,
  errorRate,
  init,
  loadLearner,
  manualSeed,
  memoryFiles,
  parseSafetensors,
  Resize,
  visionLearner,
  type InferenceLearner,
  type Learner,
  type VisionLearner,
} from 'wgslnet';
import { InputError } from '../faults.js';
import { post, serve, WithTransfer } from '../workerHost.js';
import { check, classCounts, dataLoaders, labels } from './data.js';
import { FitReporter, LrFindReporter, noticesOnly } from './reporter.js';
import type { Download, FitEnd, FitStart, Item, LabelReport, LabelRule, LoadedReport, LrFound, PredictionReport, Results, TrainOptions } from './protocol.js';

const LAST_EPOCH = 'last-epoch.safetensors';

let learn: VisionLearner | null = null;
/** A learner loaded from an exported file without data: it can predict only. */
let inference: InferenceLearner | null = null;
let opts: TrainOptions | null = null;
/** Set by the page's Stop; cleared when a fit starts. */
let stopRequested = false;

function dropLearners(): void {
  learn?.dispose();
  inference?.dispose();
  learn = null;
  inference = null;
}

/** A fresh learner on the current data; its notices (not its table) go to the page. */
function newLearner(o: TrainOptions): VisionLearner {
  const dls = dataLoaders(o);
  manualSeed(o.seed);
  return visionLearner(dls, o.arch, { metrics: [errorRate], pretrained: o.pretrained ?? false, output: noticesOnly((text) => post('notice', text)) });
}

/** The weights after the last finished epoch (an exported learner), kept in case the device is lost. */
async function snapshot(l: Learner, epochs: number): Promise<void> {
  await (l as VisionLearner).export(LAST_EPOCH);
  post('snapshot', epochs);
}

async function fit(l: VisionLearner, o: TrainOptions, epochs: number): Promise<FitEnd> {
  const perEpoch = l.dls.train.length;
  const totalSteps = (o.method === 'fineTune' ? epochs + 1 : epochs) * perEpoch;
  stopRequested = false;
  const reporter = new FitReporter({ totalSteps, stopRequested: () => stopRequested, snapshot });
  post('fit-start', { totalSteps, trainImages: l.dls.train.items.length, validImages: l.dls.valid.items.length, stepsPerEpoch: perEpoch } satisfies FitStart);
  if (o.method === 'fineTune') await l.fineTune(epochs, o.lr, { cbs: [reporter] });
  else await l.fitOneCycle(epochs, o.lr, { cbs: [reporter] });
  return { stopped: stopRequested, steps: reporter.steps, epochs: reporter.epochs };
}

function needLearner(): VisionLearner {
  if (!learn) throw new InputError('Train a model first (or load a saved checkpoint).');
  return learn;
}

serve({
  async init() {
    const e = await init();
    return { adapter: e.description, software: e.adapter.software };
  },

  data: (items: Item[]) => check(items, (done, total) => post('verify', { done, total })),

  labels: (rule: LabelRule): LabelReport => ({ counts: classCounts(labels(rule)) }),

  async lrFind(a: { opts: TrainOptions; numIt: number }): Promise<LrFound> {
    const l = newLearner(a.opts);
    try {
      const r = await l.withCbs([new LrFindReporter(a.numIt)], () => l.lrFind({ numIt: a.numIt }));
      return { lrs: r.lrs, losses: r.losses, valley: r.valley, minimum: r.minimum, steep: r.steep };
    } finally {
      l.dispose();
    }
  },

  async train(o: TrainOptions): Promise<FitEnd> {
    dropLearners();
    memoryFiles.delete(LAST_EPOCH);
    opts = o;
    learn = newLearner(o);
    return fit(learn, o, o.epochs);
  },

  /** Ends the fit at the end of the current step (learn.stop()), keeping the weights. */
  stop() {
    stopRequested = true;
    learn?.stop();
    return null;
  },

  /** More epochs, at a new image size when `size` differs (fastai's progressive resizing). */
  async continue(a: { epochs: number; size: number; lr: number; method: TrainOptions['method'] }): Promise<FitEnd> {
    const l = needLearner();
    opts = { ...opts!, size: a.size, lr: a.lr, method: a.method };
    if (l.dls.size?.[0] !== a.size) l.dls = l.dls.withTransforms({ itemTfms: [Resize(a.size)] });
    return fit(l, opts, a.epochs);
  },

  async results(): Promise<WithTransfer<Results>> {
    const l = needLearner();
    const interp = await ClassificationInterpretation.fromLearner(l);
    const confusion = interp.confusionMatrix();
    const n = confusion.flat().reduce((a, b) => a + b, 0);
    const right = confusion.reduce((s, row, i) => s + row[i]!, 0);
    await l.dls.showBatch({ path: 'batch.png', maxN: 9 });
    const batchPng = memoryFiles.get('batch.png')!;
    memoryFiles.delete('batch.png');
    const r: Results = { vocab: l.dls.vocab, confusion, top: interp.topLosses(9), batchPng, errorRate: n ? 1 - right / n : NaN };
    return new WithTransfer(r, []);
  },

  async predict(a: { bytes: Uint8Array }): Promise<PredictionReport> {
    const model = learn ?? inference;
    if (!model) throw new InputError('Train a model or load an exported one first; then drop an image to classify it.');
    const p = await model.predict(a.bytes);
    return { label: p.label, vocab: learn ? learn.dls.vocab : inference!.vocab, probs: Array.from(p.probs) };
  },

  async download(what: Download): Promise<WithTransfer<{ name: string; bytes: Uint8Array }>> {
    let name: string;
    if (what === 'last-epoch') {
      if (!memoryFiles.get(LAST_EPOCH)) throw new InputError('No epoch has finished yet, so there are no epoch weights to download.');
      name = LAST_EPOCH;
    } else {
      const l = needLearner();
      name = { learner: `${l.arch}-learner.safetensors`, body: `${l.arch}-body.safetensors`, checkpoint: `${l.arch}-checkpoint.safetensors` }[what];
      if (what === 'learner') await l.export(name);
      else if (what === 'checkpoint') await l.save(name);
      else await l.model.body.saveSafetensors(name);
    }
    // Handed over, not kept: only the last epoch's weights stay in the worker (for a lost device).
    const bytes = what === 'last-epoch' ? memoryFiles.get(name)!.slice() : memoryFiles.get(name)!;
    if (what !== 'last-epoch') memoryFiles.delete(name);
    return new WithTransfer({ name, bytes }, [bytes.buffer]);
  },

  /**
   * A file saved earlier: a checkpoint (weights + optimizer state) continues on the current data;
   * an exported learner continues too when its classes match the data, and otherwise predicts.
   */
  async load(a: { bytes: Uint8Array; name: string; opts: TrainOptions | null }): Promise<LoadedReport> {
    const meta = parseSafetensors(a.bytes, a.name).metadata;
    const kind = meta.wgslnet;
    if (kind !== 'checkpoint' && kind !== 'learner') {
      throw new InputError(`${a.name} is not a wgslnet checkpoint or exported learner (no wgslnet metadata). Bare torchvision weights go in “pretrained weights” under Options.`);
    }
    const arch = meta.arch ?? 'resnet18';
    const vocab: string[] | null = kind === 'learner' ? JSON.parse(meta.vocab ?? '[]') : null;
    if (kind === 'learner' && !a.opts) {
      dropLearners();
      memoryFiles.set(a.name, a.bytes); // loadLearner reads a path; in a page, paths are read from memoryFiles first
      try {
        inference = await loadLearner(a.name);
      } finally {
        memoryFiles.delete(a.name);
      }
      return { kind, arch, vocab, trainable: false };
    }
    if (!a.opts) throw new InputError(`${a.name} is a checkpoint: load the data it was trained on first (it holds no class names).`);
    const o: TrainOptions = { ...a.opts, arch, pretrained: null };
    if (vocab) {
      const have = classCounts(labels(o.rule)).map(([c]) => c);
      if (have.join('\u0000') !== vocab.join('\u0000')) {
        throw new InputError(`${a.name} was trained on the classes ${vocab.join(', ')}, but the loaded data has ${have.join(', ')}. Load the same data (and label rule) to continue training.`);
      }
    }
    dropLearners();
    opts = o;
    learn = newLearner(o);
    if (kind === 'checkpoint') {
      memoryFiles.set(a.name, a.bytes); // learn.load reads a path; in a page, paths are read from memoryFiles first
      try {
        await learn.load(a.name);
      } finally {
        memoryFiles.delete(a.name);
      }
    } else {
      await learn.model.loadSafetensors(a.bytes);
      learn.unfreeze();
    }
    return { kind, arch, vocab: learn.dls.vocab, trainable: true };
  },
});
