// fastai's tracker callbacks: after each epoch they compare one column of the Recorder's row
// (valid_loss by default, or a metric) with the best so far. SaveModelCallback saves the model when
// it improves (atomically, as learn.save does) and loads the best back after the fit;
// EarlyStoppingCallback ends the fit after `patience` epochs without improvement;
// ReduceLROnPlateau divides the learning rates by `factor` after `patience` such epochs.

import { WgslnetError } from '../gpu/errors.js';
import { Callback, CancelFit } from './callback.js';
import type { Learner } from './learner.js';

export interface TrackerOptions {
  /** A column of the table: 'valid_loss', 'train_loss' or a metric's name. */
  monitor?: string;
  /** 'less' is better for losses and errors (names containing "loss" or "error"), else 'greater'. */
  comp?: 'less' | 'greater';
  /** The smallest change that counts as an improvement. */
  minDelta?: number;
  /** Forget the best value at the start of each fit (fastai's default). */
  resetOnFit?: boolean;
}

export class TrackerCallback extends Callback {
  override order = 60;
  readonly monitor: string;
  readonly comp: 'less' | 'greater';
  /** The best value seen, and whether the latest epoch set it. */
  best = NaN;
  newBest = false;
  private readonly minDelta: number;
  private readonly resetOnFit: boolean;
  private idx = -1;

  constructor(o: TrackerOptions = {}) {
    super();
    this.monitor = o.monitor ?? 'valid_loss';
    this.comp = o.comp ?? (/loss|error/.test(this.monitor) ? 'less' : 'greater');
    this.minDelta = Math.abs(o.minDelta ?? 0) * (this.comp === 'less' ? -1 : 1);
    this.resetOnFit = o.resetOnFit ?? true;
  }

  override beforeFit(learn: Learner): void | Promise<void> {
    if (this.resetOnFit || Number.isNaN(this.best)) this.best = this.comp === 'less' ? Infinity : -Infinity;
    const names = learn.recorder.metricNames;
    this.idx = names.indexOf(this.monitor);
    if (this.idx < 1 || this.idx === names.length - 1) {
      throw new WgslnetError(`${this.name}: cannot monitor '${this.monitor}'; the table's columns are ${names.slice(1, -1).join(', ')}`);
    }
  }

  override afterEpoch(learn: Learner): void | Promise<void> {
    const v = learn.recorder.log[this.idx]!;
    const better = this.comp === 'less' ? v - this.minDelta < this.best : v - this.minDelta > this.best;
    this.newBest = better;
    if (better) this.best = v;
  }
}

export interface SaveModelOptions extends TrackerOptions {
  /** Where to save (a safetensors path); with everyEpoch, `_<epoch>` goes before the extension. */
  fname?: string;
  /** Save after every epoch instead of on improvement. */
  everyEpoch?: boolean;
  /** Save at the end of the fit instead of loading the best model back. */
  atEnd?: boolean;
  /** Save the optimizer state too. */
  withOpt?: boolean;
}

export class SaveModelCallback extends TrackerCallback {
  override order = 61;
  readonly fname: string;
  constructor(readonly o: SaveModelOptions = {}) {
    super(o);
    this.fname = o.fname ?? 'model.safetensors';
  }
  private pathFor(epoch?: number): string {
    if (epoch === undefined) return this.fname;
    const dot = this.fname.lastIndexOf('.');
    return dot > 0 ? `${this.fname.slice(0, dot)}_${epoch}${this.fname.slice(dot)}` : `${this.fname}_${epoch}`;
  }
  override async afterEpoch(learn: Learner): Promise<void> {
    if (this.o.everyEpoch) {
      await learn.save(this.pathFor(learn.epoch), { withOpt: this.o.withOpt ?? false });
      return;
    }
    await super.afterEpoch(learn);
    if (!this.newBest) return;
    learn.output.line(`Better model found at epoch ${learn.epoch} with ${this.monitor} value: ${this.best}.`);
    await learn.save(this.fname, { withOpt: this.o.withOpt ?? false });
  }
  override async afterFit(learn: Learner): Promise<void> {
    if (this.o.atEnd) await learn.save(this.fname, { withOpt: this.o.withOpt ?? false });
    else if (!this.o.everyEpoch && Number.isFinite(this.best)) await learn.load(this.fname, { withOpt: this.o.withOpt ?? false });
  }
}

export interface EarlyStoppingOptions extends TrackerOptions {
  /** Epochs without improvement before stopping. */
  patience?: number;
}

export class EarlyStoppingCallback extends TrackerCallback {
  override order = 63;
  private wait = 0;
  constructor(readonly o: EarlyStoppingOptions = {}) {
    super(o);
  }
  override beforeFit(learn: Learner): void {
    this.wait = 0;
    super.beforeFit(learn);
  }
  override afterEpoch(learn: Learner): void {
    super.afterEpoch(learn);
    if (this.newBest) {
      this.wait = 0;
      return;
    }
    if (++this.wait >= (this.o.patience ?? 1)) {
      learn.output.line(`No improvement since epoch ${learn.epoch - this.wait}: early stopping`);
      throw new CancelFit();
    }
  }
}

export interface ReduceLROnPlateauOptions extends TrackerOptions {
  patience?: number;
  /** The learning rates are divided by this (fastai: 10). */
  factor?: number;
  minLr?: number;
}

export class ReduceLROnPlateau extends TrackerCallback {
  override order = 62;
  private wait = 0;
  constructor(readonly o: ReduceLROnPlateauOptions = {}) {
    super(o);
  }
  override beforeFit(learn: Learner): void {
    this.wait = 0;
    super.beforeFit(learn);
  }
  override afterEpoch(learn: Learner): void {
    super.afterEpoch(learn);
    if (this.newBest) {
      this.wait = 0;
      return;
    }
    if (++this.wait < (this.o.patience ?? 1)) return;
    const old = learn.hypers().lrs;
    const lrs = old.map((lr) => Math.max(lr / (this.o.factor ?? 10), this.o.minLr ?? 0));
    learn.setHypers({ lrs });
    this.wait = 0;
    if (lrs.at(-1)! < old.at(-1)!) learn.output.line(`Epoch ${learn.epoch}: reducing lr to ${lrs.at(-1)}`);
  }
}
