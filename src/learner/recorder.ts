// fastai's Recorder: what each training step used and lost, and what each epoch measured. It
// smooths the training loss (fastai's train_loss column), averages the validation loss and the
// metrics over items (fastai's AvgLoss / AvgMetric: Σ value·batchSize / Σ batchSize), times the
// epoch, and keeps it all in `history`. Every learner has one (learn.recorder); the progress table,
// the CSV logger and the trackers read its numbers.

import { Callback } from './callback.js';
import type { Learner } from './learner.js';
import { plotLoss, type PlotLossOptions } from './lossPlot.js';

export { formatTime, TablePrinter, progressBar, defaultOutput, type Output } from './progress.js';

/** fastai's SmoothenValue: exponential moving average with β = 0.98, debiased. */
export class SmoothLoss {
  private avg = 0;
  private n = 0;
  constructor(readonly beta = 0.98) {}
  add(v: number): number {
    this.n++;
    this.avg = this.beta * this.avg + (1 - this.beta) * v;
    return this.value;
  }
  get value(): number {
    return this.avg / (1 - this.beta ** this.n);
  }
}

/** What each training step used and what each epoch measured. */
export interface History {
  /** Per step, every fit so far: the learning rate of each layer group and the momentum (β1). */
  hypers: { lrs: number[]; mom: number }[];
  /** Per step, every fit so far: the raw training loss. */
  losses: number[];
  /** Per step, every fit so far: the smoothed training loss (fastai's recorder.losses). */
  smoothLosses: number[];
  /** Per epoch of the latest fit: [epoch, train_loss, valid_loss, ...metrics, seconds]. */
  values: number[][];
  /** Per epoch of the latest fit: the number of steps in `losses` when it ended (fastai's iters). */
  iters: number[];
  /**
   * Per epoch of the latest fit: seconds the training batches waited for data (decoding not hidden
   * behind the steps, plus the upload). Near the epoch's time: data loading is the bottleneck.
   */
  dataWait: number[];
}

export class Recorder extends Callback {
  override order = 50;
  readonly history: History = { hypers: [], losses: [], smoothLosses: [], values: [], iters: [], dataWait: [] };
  /** The latest epoch's row, as `history.values` holds it (the table and CSVLogger print it). */
  log: number[] = [];
  private smooth = new SmoothLoss();
  private epochStart = 0;
  private skipBatch = false;
  private valid = { n: 0, loss: 0, metrics: [] as number[] };

  /** The table's columns: epoch, train_loss, valid_loss, each metric, time. */
  get metricNames(): string[] {
    return ['epoch', 'train_loss', 'valid_loss', ...this.learn.metrics.map((m) => m.name), 'time'];
  }

  /** Mean loss and metrics of the latest validation (NaN where it had no batches). */
  get validResult(): { loss: number; metrics: number[] } {
    const { n, loss, metrics } = this.valid;
    return { loss: n ? loss / n : NaN, metrics: metrics.map((m) => (n ? m / n : NaN)) };
  }

  override beforeFit(learn: Learner): void {
    this.smooth = new SmoothLoss();
    learn.smoothLoss = NaN;
    this.history.values = [];
    this.history.iters = [];
    this.history.dataWait = [];
    this.log = [];
  }
  override beforeEpoch(): void {
    this.epochStart = performance.now();
    this.valid = { n: 0, loss: 0, metrics: this.learn.metrics.map(() => 0) };
  }
  override afterTrain(learn: Learner): void {
    this.history.dataWait.push(learn.dls.train.lastEpoch?.waitSeconds ?? 0);
  }
  override beforeValidate(): void {
    this.valid = { n: 0, loss: 0, metrics: this.learn.metrics.map(() => 0) };
  }
  override afterStep(learn: Learner): void {
    this.history.hypers.push(learn.hypers());
  }
  override afterCancelBatch(): void {
    this.skipBatch = true;
  }
  override afterBatch(learn: Learner): void {
    if (this.skipBatch) {
      this.skipBatch = false;
      return;
    }
    if (learn.training) {
      this.history.losses.push(learn.loss);
      learn.smoothLoss = this.smooth.add(learn.loss);
      this.history.smoothLosses.push(learn.smoothLoss);
      return;
    }
    const bs = learn.yb.length;
    this.valid.n += bs;
    this.valid.loss += learn.loss * bs;
    if (learn.logits) this.learn.metrics.forEach((m, j) => (this.valid.metrics[j]! += m.fn(learn.logits!, learn.yb, learn.dls.c) * bs));
  }
  override afterEpoch(learn: Learner): void {
    const { loss, metrics } = this.validResult;
    this.log = [learn.epoch, learn.smoothLoss, loss, ...metrics, (performance.now() - this.epochStart) / 1000];
    this.history.values.push(this.log);
    this.history.iters.push(this.history.losses.length);
  }

  /** fastai's plot_loss: the smoothed training loss per step and the validation loss per epoch, as a PNG. */
  plotLoss(path: string, opts: PlotLossOptions = {}): Promise<void> {
    return plotLoss(this.history, path, opts);
  }
}
