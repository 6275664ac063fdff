// fastai's ParamScheduler: before every training batch, sets the hyperparameters to functions of
// the fit's progress pctTrain ∈ [0, 1). fitOneCycle is fit with one of these (the one-cycle
// cosines of optim/schedules.ts); a user can pass their own to fit({ cbs }).

import { Callback } from './callback.js';
import type { Learner } from './learner.js';

export interface Schedules {
  /** Learning rate per layer group (or one for all) at progress pos. */
  lrs?: (pos: number) => number | number[];
  /** Momentum (Adam's β1) at progress pos. */
  mom?: (pos: number) => number;
}

export class ParamScheduler extends Callback {
  override order = 60;
  constructor(readonly scheds: Schedules) {
    super();
  }
  override beforeBatch(learn: Learner): void {
    if (!learn.training) return;
    const pos = learn.pctTrain;
    learn.setHypers({ lrs: this.scheds.lrs?.(pos), mom: this.scheds.mom?.(pos) });
  }
}
