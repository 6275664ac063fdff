// Learner: a model, its DataLoaders, a loss function, fastai's optimizer (Adam, decoupled wd 0.01,
// none on BN parameters or biases) over three layer groups, callbacks, and the fits: fit,
// fitOneCycle and fineTune with fastai's exact schedules. The loop itself is in trainLoop.ts; what
// a fit records and prints are callbacks (recorder.ts, progress.ts).

import { WgslnetError } from '../gpu/errors.js';
import { BatchNorm } from '../nn/layers.js';
import { crossEntropy } from '../ops/loss.js';
import { fastaiAdam, type AdamW } from '../optim/adam.js';
import { lrSlice, oneCycle } from '../optim/schedules.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import type { DataLoader } from '../data/dataLoader.js';
import type { DataLoaders } from '../data/dataLoaders.js';
import type { VisionModel } from './head.js';
import type { Metric } from './metrics.js';
import { Callback, type CallbackLike } from './callback.js';
import { Recorder, type History } from './recorder.js';
import { defaultOutput, ProgressCallback, type Output } from './progress.js';
import { ParamScheduler } from './schedule.js';
import { evaluate, runFit, runValidate } from './trainLoop.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';

/** fastai's slice(stop) or slice(start, stop): learning rates spread over the layer groups. */
export interface LrSliceSpec {
  start?: number;
  stop: number;
}
export const slice = (a: number, b?: number): LrSliceSpec => (b === undefined ? { stop: a } : { start: a, stop: b });

/** One learning rate for every group, one per group, or a slice. */
export type Lr = number | number[] | LrSliceSpec;

/** A loss on a batch: predictions [N, K] and the class indices; returns the mean loss (a scalar). */
export type LossFunc = (pred: Tensor, targets: Int32Array) => Tensor;

export interface LearnerOptions {
  metrics?: Metric[];
  /** The training loss (default: cross-entropy; fastai's LabelSmoothingCrossEntropy is in ops/loss). */
  lossFunc?: LossFunc;
  /** Decoupled weight decay (fastai: 0.01), never applied to BatchNorm parameters or biases. */
  wd?: number;
  /** Callbacks for every fit, beside the Recorder and the progress table. */
  cbs?: CallbackLike[];
  output?: Output;
}

export interface FitOptions {
  /** Callbacks for this fit only. */
  cbs?: CallbackLike[];
}

export interface OneCycleOpts extends FitOptions {
  div?: number;
  divFinal?: number;
  pctStart?: number;
  moms?: [number, number, number];
}

export interface FineTuneOpts extends FitOptions {
  freezeEpochs?: number;
  lrMult?: number;
  pctStart?: number;
  div?: number;
}

/** The hyperparameters of a step: each layer group's learning rate and the momentum (Adam's β1). */
export interface Hypers {
  lrs: number[];
  mom: number;
}

export type { History };

export class Learner {
  readonly opt: AdamW;
  readonly metrics: Metric[];
  readonly lossFunc: LossFunc;
  readonly output: Output;
  readonly recorder = new Recorder();
  /** The callbacks, sorted by order (the Recorder and a ProgressCallback by default). */
  cbs: CallbackLike[] = [];
  /** Architecture name, written into checkpoints ('' for a model built by hand). */
  readonly arch: string = '';

  // The state callbacks read, fastai's names (see callback.ts for when each is set).
  nEpoch = 0;
  epoch = 0;
  /** True in the training batches, false in validation. */
  training = false;
  dl: DataLoader | null = null;
  nIter = 0;
  /** Index of the batch in its epoch. */
  iter = 0;
  /** Training steps taken in this fit (in afterBatch: including this batch); pctTrain = trainIter / (nEpoch · nIter). */
  trainIter = 0;
  pctTrain = 0;
  /** The batch's images [N, 3, H, W] (null once the batch has been queued). */
  xb: Tensor | null = null;
  /** The batch's class indices. */
  yb = new Int32Array(0);
  items: string[] = [];
  /** The model's output, from afterPred until the batch is queued. */
  pred: Tensor | null = null;
  /** The loss tensor (on the GPU, with its graph), from afterLoss until the batch is queued. */
  lossGrad: Tensor | null = null;
  /** The batch's mean loss, read back: set in afterBatch. */
  loss = NaN;
  /** The batch's predictions read back (validation batches only): set in afterBatch. */
  logits: Float32Array | null = null;
  /** The smoothed training loss (set by the Recorder). */
  smoothLoss = NaN;
  /** Set by stop(); the loop ends the fit at the end of the current step. */
  stopRequested = false;

  /** Parameters of BatchNorm layers: they keep training when their group is frozen (fastai's train_bn). */
  private readonly bnParams: Set<Tensor>;
  /** For each optimizer group, its layer group. */
  private readonly layerOfGroup: number[] = [];
  private readonly layerParams: Tensor[][];

  constructor(
    public dls: DataLoaders,
    readonly model: VisionModel,
    opts: LearnerOptions = {},
  ) {
    this.metrics = opts.metrics ?? [];
    this.lossFunc = opts.lossFunc ?? ((pred, y) => crossEntropy(pred, y));
    this.output = opts.output ?? defaultOutput();
    this.bnParams = new Set(model.namedModules().flatMap(([, m]) => (m instanceof BatchNorm ? [m.weight, m.bias] : [])));
    this.layerParams = model.layerGroups().map((mods) => mods.flatMap((m) => m.parameters()));
    // Two optimizer groups per layer group: with weight decay, and without (BN parameters, biases).
    // Parameters go in by name, so the optimizer's state is saved under the model's keys.
    const names = new Map(model.namedParameters().map(([k, p]) => [p, k] as const));
    const named = (ps: Tensor[]) => ps.map((p) => [names.get(p)!, p] as [string, Tensor]);
    const groups: { params: [string, Tensor][]; weightDecay: number }[] = [];
    this.layerParams.forEach((ps, li) => {
      const noWd = (p: Tensor) => this.bnParams.has(p) || p.rank < 2;
      groups.push({ params: named(ps.filter((p) => !noWd(p))), weightDecay: opts.wd ?? 0.01 }, { params: named(ps.filter(noWd)), weightDecay: 0 });
      this.layerOfGroup.push(li, li);
    });
    this.opt = fastaiAdam(groups, { lr: 1e-3 });
    this.addCbs([this.recorder, new ProgressCallback(), ...(opts.cbs ?? [])]);
  }

  /** Adds callbacks for every later fit (kept sorted by order; a Callback learns its learner). */
  addCbs(cbs: CallbackLike[]): this {
    for (const cb of cbs) {
      if (cb instanceof Callback) cb.learn = this;
      this.cbs.push(cb);
    }
    this.cbs.sort((a, b) => (a.order ?? 0) - (b.order ?? 0)); // stable: equal orders keep insertion order
    return this;
  }
  addCb(cb: CallbackLike): this {
    return this.addCbs([cb]);
  }
  removeCbs(cbs: CallbackLike[]): this {
    if (cbs.includes(this.recorder)) throw new WgslnetError('removeCb: the Recorder cannot be removed (validate() and the trackers read it)');
    this.cbs = this.cbs.filter((c) => !cbs.includes(c));
    return this;
  }
  removeCb(cb: CallbackLike): this {
    return this.removeCbs([cb]);
  }
  /** Runs fn with `cbs` added, removing them afterwards (fastai's added_cbs). */
  async withCbs<T>(cbs: CallbackLike[], fn: () => Promise<T>): Promise<T> {
    this.addCbs(cbs);
    try {
      return await fn();
    } finally {
      this.removeCbs(cbs);
    }
  }

  /** Every step's hyperparameters and loss, and every epoch's row (kept by the Recorder). */
  get history(): History {
    return this.recorder.history;
  }

  /**
   * Asks a running fit to stop at the end of the current step: that step finishes and is recorded
   * (its afterBatch fires), then afterCancelFit and afterFit run and fit() resolves. A browser's
   * Stop button calls this; a callback may instead throw CancelFit.
   */
  stop(): void {
    this.stopRequested = true;
  }

  private ready: Promise<void> = Promise.resolve();

  /** Runs `task` (loading weights) before the next fit, validate or predict. */
  whenReady(task: () => Promise<void>): void {
    const before = this.ready;
    this.ready = before.then(task);
    this.ready.catch(() => {}); // reported by whoever awaits it next
  }

  /** Waits for pending weight loading (fit, validate and predict call this). */
  async waitReady(): Promise<void> {
    await this.ready;
  }

  get nGroups(): number {
    return this.layerParams.length;
  }

  /** Trains only layer groups ≥ n (and every BatchNorm); resets the optimizer state, as fastai. */
  freezeTo(n: number): void {
    this.layerParams.forEach((ps, li) => {
      for (const p of ps) p.requiresGrad = li >= n || this.bnParams.has(p);
    });
    this.opt.resetState();
  }
  freeze(): void {
    this.freezeTo(this.nGroups - 1);
  }
  unfreeze(): void {
    this.freezeTo(0);
  }

  /** A learning-rate spec as one value per layer group. */
  lrs(lr: Lr): number[] {
    if (typeof lr === 'number') return new Array<number>(this.nGroups).fill(lr);
    if (Array.isArray(lr)) {
      if (lr.length !== this.nGroups) throw new WgslnetError(`learning rates: ${lr.length} given for ${this.nGroups} layer groups`);
      return lr;
    }
    return lrSlice(this.nGroups, lr.stop, lr.start);
  }

  /** The optimizer's current learning rate per layer group and momentum. */
  hypers(): Hypers {
    const lrs = this.layerParams.map((_, li) => this.opt.groups[this.layerOfGroup.indexOf(li)]!.hyper.lr);
    return { lrs, mom: this.opt.groups[0]!.hyper.betas[0] };
  }

  /** Sets the learning rates (a number, one per layer group, or a slice) and/or the momentum. */
  setHypers(h: { lrs?: Lr; mom?: number }): void {
    const lrs = h.lrs === undefined ? null : this.lrs(h.lrs);
    this.opt.groups.forEach((g, i) => {
      if (lrs) g.hyper.lr = lrs[this.layerOfGroup[i]!]!;
      if (h.mom !== undefined) g.hyper.betas = [h.mom, g.hyper.betas[1]];
    });
  }

  /** Constant learning rate for nEpoch epochs, momentum 0.9 (fastai's fit). */
  async fit(nEpoch: number, lr: Lr = 1e-3, o: FitOptions = {}): Promise<void> {
    await this.waitReady();
    this.setHypers({ lrs: lr, mom: 0.9 });
    await this.withCbs(o.cbs ?? [], () => runFit(this, nEpoch));
  }

  /** fastai's fit_one_cycle: cosine warm-up to lrMax over pctStart, cosine annealing to lrMax/divFinal; momentum 0.95 → 0.85 → 0.95. */
  async fitOneCycle(nEpoch: number, lrMax: Lr = 1e-3, o: OneCycleOpts = {}): Promise<void> {
    const maxes = this.lrs(lrMax);
    const sched = new ParamScheduler({
      lrs: (pos) => maxes.map((m) => oneCycle(pos, { lrMax: m, ...o }).lr),
      mom: (pos) => oneCycle(pos, { lrMax: 1, ...o }).mom,
    });
    await this.fit(nEpoch, maxes, { cbs: [sched, ...(o.cbs ?? [])] });
  }

  /**
   * fastai's fine_tune: freeze; fitOneCycle(freezeEpochs, slice(baseLr), pctStart 0.99);
   * baseLr /= 2; unfreeze; fitOneCycle(epochs, slice(baseLr/lrMult, baseLr), pctStart, div).
   */
  async fineTune(epochs: number, baseLr = 2e-3, o: FineTuneOpts = {}): Promise<void> {
    this.freeze();
    await this.fitOneCycle(o.freezeEpochs ?? 1, slice(baseLr), { pctStart: 0.99, cbs: o.cbs });
    baseLr /= 2;
    this.unfreeze();
    await this.fitOneCycle(epochs, slice(baseLr / (o.lrMult ?? 100), baseLr), { pctStart: o.pctStart ?? 0.3, div: o.div ?? 5, cbs: o.cbs });
  }

  /**
   * One optimisation step on a batch with the current (or given) hyperparameters, outside any fit
   * and without callbacks; returns the loss (waits for the GPU to read it).
   */
  async trainStep(x: Tensor, y: Int32Array, h?: { lrs?: Lr; mom?: number }): Promise<number> {
    if (h) this.setHypers(h);
    const loss = tidy(() => {
      const l = this.lossFunc(this.model.forward(x), y);
      l.backward();
      return l;
    });
    this.opt.step();
    this.opt.zeroGrad();
    const v = await loss.item();
    loss.dispose();
    return v;
  }

  /** Logits, targets and items of every batch of `dl` in evaluation mode (no augmentation). */
  evaluate(dl: DataLoader): AsyncGenerator<{ logits: Float32Array; y: Int32Array; items: string[] }> {
    return evaluate(this, dl);
  }

  /** Mean validation loss (the learner's loss function) and metrics, weighted by batch size (fastai's validate). */
  async validate(dl: DataLoader = this.dls.valid): Promise<{ loss: number; metrics: number[] }> {
    await this.waitReady();
    await runValidate(this, dl);
    return this.recorder.validResult;
  }

  /** Weights and optimizer state (unless withOpt is false), written atomically (fastai's learn.save). */
  save(path: string, opts: { withOpt?: boolean } = {}): Promise<void> {
    return saveCheckpoint(this, path, opts.withOpt ?? true);
  }

  /** Restores what save() wrote; the optimizer state too unless withOpt is false. */
  load(path: string, opts: { withOpt?: boolean } = {}): Promise<void> {
    return loadCheckpoint(this, path, opts.withOpt ?? true);
  }
}
