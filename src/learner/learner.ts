// Learner: a model, its DataLoaders, fastai's optimizer (Adam, decoupled wd 0.01, none on BN
// parameters or biases) over three layer groups, and the training loops: fit, fitOneCycle and
// fineTune with fastai's exact schedules, each printing fastai's epoch table.

import { WgslnetError } from '../gpu/errors.js';
import { BatchNorm } from '../nn/layers.js';
import { crossEntropy } from '../ops/loss.js';
import { fastaiAdam, type AdamW } from '../optim/adam.js';
import { lrSlice, oneCycle } from '../optim/schedules.js';
import { noGrad } from '../tensor/autograd.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import type { DataLoader } from '../data/dataLoader.js';
import type { DataLoaders } from '../data/dataLoaders.js';
import type { VisionModel } from './head.js';
import { crossEntropyRows, type Metric } from './metrics.js';
import { defaultOutput, formatTime, progressBar, SmoothLoss, TablePrinter, type Output } from './recorder.js';

/** fastai's slice(stop) or slice(start, stop): learning rates spread over the layer groups. */
export interface LrSliceSpec {
  start?: number;
  stop: number;
}
export const slice = (a: number, b?: number): LrSliceSpec => (b === undefined ? { stop: a } : { start: a, stop: b });

/** One learning rate for every group, one per group, or a slice. */
export type Lr = number | number[] | LrSliceSpec;

export interface LearnerOptions {
  metrics?: Metric[];
  /** Decoupled weight decay (fastai: 0.01), never applied to BatchNorm parameters or biases. */
  wd?: number;
  output?: Output;
}

export interface OneCycleOpts {
  div?: number;
  divFinal?: number;
  pctStart?: number;
  moms?: [number, number, number];
}

/** What each training step used and what each epoch measured. */
export interface History {
  /** Per step: the learning rate of each layer group and the momentum (β1). */
  hypers: { lrs: number[]; mom: number }[];
  /** Per step: the raw training loss. */
  losses: number[];
  /** Per epoch of the latest fit: [epoch, train_loss, valid_loss, ...metrics, seconds]. */
  values: number[][];
  /**
   * Per epoch of the latest fit: seconds the training loop waited for its next batch (decoding
   * not hidden behind the steps, plus the upload). Near the epoch's seconds: data loading is the
   * bottleneck.
   */
  dataWait: number[];
}

export class Learner {
  readonly opt: AdamW;
  readonly metrics: Metric[];
  readonly output: Output;
  readonly history: History = { hypers: [], losses: [], values: [], dataWait: [] };
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
    this.output = opts.output ?? defaultOutput();
    this.bnParams = new Set(model.namedModules().flatMap(([, m]) => (m instanceof BatchNorm ? [m.weight, m.bias] : [])));
    this.layerParams = model.layerGroups().map((mods) => mods.flatMap((m) => m.parameters()));
    // Two optimizer groups per layer group: with weight decay, and without (BN parameters, biases).
    const groups: { params: Tensor[]; weightDecay: number }[] = [];
    this.layerParams.forEach((ps, li) => {
      const noWd = (p: Tensor) => this.bnParams.has(p) || p.rank < 2;
      groups.push({ params: ps.filter((p) => !noWd(p)), weightDecay: opts.wd ?? 0.01 }, { params: ps.filter(noWd), weightDecay: 0 });
      this.layerOfGroup.push(li, li);
    });
    this.opt = fastaiAdam(groups, { lr: 1e-3 });
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

  /** Constant learning rate for nEpoch epochs (fastai's fit). */
  async fit(nEpoch: number, lr: Lr = 1e-3): Promise<void> {
    const lrs = this.lrs(lr);
    await this.fitWith(nEpoch, () => ({ lrs, mom: 0.9 }));
  }

  /** fastai's fit_one_cycle: cosine warm-up to lrMax over pctStart, cosine annealing to lrMax/divFinal; momentum 0.95 → 0.85 → 0.95. */
  async fitOneCycle(nEpoch: number, lrMax: Lr = 1e-3, o: OneCycleOpts = {}): Promise<void> {
    const maxes = this.lrs(lrMax);
    await this.fitWith(nEpoch, (pos) => {
      const per = maxes.map((m) => oneCycle(pos, { lrMax: m, ...o }));
      return { lrs: per.map((p) => p.lr), mom: per[0]!.mom };
    });
  }

  /**
   * fastai's fine_tune: freeze; fitOneCycle(freezeEpochs, slice(baseLr), pctStart 0.99);
   * baseLr /= 2; unfreeze; fitOneCycle(epochs, slice(baseLr/lrMult, baseLr), pctStart, div).
   */
  async fineTune(epochs: number, baseLr = 2e-3, o: { freezeEpochs?: number; lrMult?: number; pctStart?: number; div?: number } = {}): Promise<void> {
    this.freeze();
    await this.fitOneCycle(o.freezeEpochs ?? 1, slice(baseLr), { pctStart: 0.99 });
    baseLr /= 2;
    this.unfreeze();
    await this.fitOneCycle(epochs, slice(baseLr / (o.lrMult ?? 100), baseLr), { pctStart: o.pctStart ?? 0.3, div: o.div ?? 5 });
  }

  /** One optimisation step on a batch; returns the loss (synchronises with the GPU to read it). */
  async trainStep(x: Tensor, y: Int32Array, h: { lrs: number[]; mom: number }): Promise<number> {
    this.opt.groups.forEach((g, i) => Object.assign(g.hyper, { lr: h.lrs[this.layerOfGroup[i]!]!, betas: [h.mom, 0.99] }));
    const loss = tidy(() => {
      const l = crossEntropy(this.model.forward(x), y);
      l.backward();
      return l;
    });
    this.opt.step();
    this.opt.zeroGrad();
    const v = await loss.item();
    loss.dispose();
    this.history.hypers.push({ lrs: [...h.lrs], mom: h.mom });
    this.history.losses.push(v);
    return v;
  }

  /** The loop every fit shares: `sched(pos)` gives the hyperparameters at progress pos ∈ [0, 1). */
  private async fitWith(nEpoch: number, sched: (pos: number) => { lrs: number[]; mom: number }): Promise<void> {
    await this.ready;
    const train = this.dls.train;
    const total = nEpoch * train.length;
    const table = new TablePrinter(['epoch', 'train_loss', 'valid_loss', ...this.metrics.map((m) => m.name), 'time'], (s) => this.output.line(s));
    table.header();
    this.history.values = [];
    this.history.dataWait = [];
    const smooth = new SmoothLoss();
    let step = 0;
    for (let epoch = 0; epoch < nEpoch; epoch++) {
      const t0 = performance.now();
      this.model.train();
      let i = 0;
      for await (const b of train) {
        try {
          smooth.add(await this.trainStep(b.x, b.y, sched(step++ / total)));
        } finally {
          b.x.dispose();
        }
        this.output.status(progressBar(++i, train.length, (performance.now() - t0) / 1000, smooth.value.toFixed(4)));
      }
      this.history.dataWait.push(train.lastEpoch?.waitSeconds ?? 0);
      const { loss, metrics } = await this.validate();
      const secs = (performance.now() - t0) / 1000;
      this.history.values.push([epoch, smooth.value, loss, ...metrics, secs]);
      table.row([String(epoch), smooth.value.toFixed(6), loss.toFixed(6), ...metrics.map((m) => m.toFixed(6)), formatTime(secs)]);
    }
  }

  /** Logits, targets and items of every batch of `dl` in evaluation mode (no augmentation). */
  async *evaluate(dl: DataLoader): AsyncGenerator<{ logits: Float32Array; y: Int32Array; items: string[] }> {
    await this.ready;
    this.model.eval();
    try {
      for await (const b of dl) {
        const logits = noGrad(() => tidy(() => this.model.forward(b.x)));
        b.x.dispose();
        const values = await logits.toArray();
        logits.dispose();
        yield { logits: values, y: b.y, items: b.items };
      }
    } finally {
      this.model.train();
    }
  }

  /** Mean validation loss and metrics, weighted by batch size (fastai's AvgMetric). */
  async validate(dl: DataLoader = this.dls.valid): Promise<{ loss: number; metrics: number[] }> {
    const k = this.dls.c;
    let n = 0;
    let lossSum = 0;
    const sums = this.metrics.map(() => 0);
    const t0 = performance.now();
    let i = 0;
    for await (const { logits, y } of this.evaluate(dl)) {
      lossSum += crossEntropyRows(logits, y, k).losses.reduce((a, b) => a + b, 0);
      this.metrics.forEach((m, j) => (sums[j]! += m.fn(logits, y, k) * y.length));
      n += y.length;
      this.output.status(progressBar(++i, dl.length, (performance.now() - t0) / 1000));
    }
    if (!n) return { loss: NaN, metrics: this.metrics.map(() => NaN) };
    return { loss: lossSum / n, metrics: sums.map((s) => s / n) };
  }
}
