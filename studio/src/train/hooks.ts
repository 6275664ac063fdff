// The one place the worker hooks into a Learner's loop: every step's loss (for the bar and the
// chart), Stop at the end of a step, and a snapshot of the weights after each finished epoch.
// It wraps learn.trainStep, which every fit and lrFind call once per batch, and reads the epoch
// table through the Learner's `output`. (When the package's fastai-style callbacks land, this
// becomes a Callback with afterBatch / afterEpoch and CancelFitException.)

import type { Learner } from 'wgslnet';
import { Stopped } from '../faults.js';

export interface StepHooks {
  /** Before each step; awaited (the epoch snapshot runs here, between steps). */
  before(): Promise<void>;
  /** After each step with its loss. */
  after(loss: number): void;
  /** Checked after each step: true stops the fit there, keeping the weights. */
  stopRequested(): boolean;
}

export function hookSteps(learn: Learner, hooks: StepHooks): void {
  const step = learn.trainStep.bind(learn);
  learn.trainStep = async (x, y, h) => {
    await hooks.before();
    const loss = await step(x, y, h);
    hooks.after(loss);
    if (hooks.stopRequested()) throw new Stopped('stopped at the end of a step');
    return loss;
  };
}

/**
 * fastai's table as the Learner prints it, split into cells: the header line starts with
 * "epoch", each row with the epoch number; any other line is a notice.
 */
export function tableOutput(on: { header(cols: string[]): void; row(cells: string[]): void; notice(text: string): void }) {
  return {
    line(s: string) {
      const cells = s.trim().split(/\s+/);
      if (cells[0] === 'epoch') on.header(cells);
      else if (/^\d+$/.test(cells[0] ?? '') && cells.length > 3) on.row(cells);
      else on.notice(s);
    },
    status() {},
  };
}
