// What the training worker tells the page during a fit, as fastai callbacks: each step's loss
// (for the bar and the chart), each epoch's table row as fastai prints it, and a snapshot of the
// weights after every finished epoch (kept so they survive a lost device). Stop is the package's
// learn.stop(); this callback also cancels the fits a fineTune would start after it.

import { Callback, CancelFit, formatTime, type Learner } from 'wgslnet';
import { post } from '../workerHost.js';
import type { RowEvent, StepEvent } from './protocol.js';

export class FitReporter extends Callback {
  /** After the Recorder (50) and the table (60), so the epoch's numbers are in. */
  override order = 70;
  steps = 0;
  epochs = 0;

  constructor(
    private readonly o: {
      totalSteps: number;
      /** True once the page asked to stop: later fits of a fineTune end before their first step. */
      stopRequested(): boolean;
      /** Saves the weights after an epoch. */
      snapshot(learn: Learner, epochs: number): Promise<void>;
    },
  ) {
    super();
  }

  override beforeFit(learn: Learner): void {
    if (this.o.stopRequested()) throw new CancelFit('stopped before this fit began');
    post('table-header', learn.recorder.metricNames);
  }

  override afterBatch(learn: Learner): void {
    if (!learn.training) return;
    this.steps++;
    post('step', { step: this.steps, totalSteps: this.o.totalSteps, loss: learn.loss, smooth: learn.smoothLoss } satisfies StepEvent);
  }

  override async afterEpoch(learn: Learner): Promise<void> {
    const log = learn.recorder.log;
    const last = log.length - 1;
    const cells = log.map((v, i) => (i === 0 ? String(v) : i === last ? formatTime(v) : v.toFixed(6)));
    this.epochs++;
    post('table-row', { cells, step: this.steps, validLoss: log[2]! } satisfies RowEvent);
    await this.o.snapshot(learn, this.epochs);
  }
}

/** The LR finder's progress: one event per step it takes. */
export class LrFindReporter extends Callback {
  override order = 70;
  constructor(private readonly numIt: number) {
    super();
  }
  override afterBatch(learn: Learner): void {
    if (learn.training) post('lr-step', { step: learn.trainIter, totalSteps: this.numIt, loss: learn.loss, smooth: learn.smoothLoss } satisfies StepEvent);
  }
}

/** The Learner's printed lines: the table is drawn from FitReporter's events, so only notices pass. */
export function noticesOnly(notice: (text: string) => void) {
  return {
    line(s: string) {
      const first = s.trim().split(/\s+/)[0] ?? '';
      if (first !== 'epoch' && !/^\d+$/.test(first)) notice(s);
    },
    status() {},
  };
}
