// fastai's callbacks: objects whose methods the Learner calls at fixed points of training, in
// ascending `order`. Everything a fit does beyond the bare step is one: the Recorder (losses,
// metrics, history), the progress table, the schedulers, the LR finder, the trackers.
//
// The events, in the order a fit fires them (fastai's names, camelCased):
//   beforeFit
//     beforeEpoch
//       beforeTrain
//         beforeBatch  afterPred  afterLoss  beforeBackward  afterBackward  beforeStep  afterStep  afterBatch   (each batch)
//       afterTrain
//       beforeValidate
//         beforeBatch  afterPred  afterLoss  afterBatch                                                         (each batch)
//       afterValidate
//     afterEpoch
//   afterFit
// A handler may throw CancelBatch / CancelTrain / CancelValidate / CancelEpoch / CancelFit (or
// CancelStep, CancelBackward): the loop skips the rest of that stage, fires afterCancel<Stage>,
// then after<Stage> as fastai does. Any other error ends the fit.
//
// Two differences from fastai, both because GPU work is recorded, not awaited:
// - afterPred, afterLoss, beforeBackward and afterBackward run inside the batch's tidy() and must be
//   synchronous (returning a Promise is an error). The other events may be async.
// - Each batch's loss is read back one step late: afterBatch for batch k fires after batch k + 1
//   has been queued on the GPU, so the GPU never waits for the host between steps. In afterBatch
//   the learner's state (iter, trainIter, pctTrain, yb, loss, logits) describes batch k again.
//   So a handler that throws CancelFit in afterBatch k sees batch k + 1's step taken; its
//   afterBatch still fires before the fit ends. learn.stop() is the way to stop from outside.

import type { Learner } from './learner.js';

/** The event handlers: each gets the learner, and may return a Promise except the in-step ones (SYNC_EVENTS). */
export interface CallbackEvents {
  beforeFit?(learn: Learner): void | Promise<void>;
  beforeEpoch?(learn: Learner): void | Promise<void>;
  beforeTrain?(learn: Learner): void | Promise<void>;
  beforeBatch?(learn: Learner): void | Promise<void>;
  afterPred?(learn: Learner): void | Promise<void>;
  afterLoss?(learn: Learner): void | Promise<void>;
  beforeBackward?(learn: Learner): void | Promise<void>;
  afterCancelBackward?(learn: Learner): void | Promise<void>;
  afterBackward?(learn: Learner): void | Promise<void>;
  beforeStep?(learn: Learner): void | Promise<void>;
  afterCancelStep?(learn: Learner): void | Promise<void>;
  afterStep?(learn: Learner): void | Promise<void>;
  afterCancelBatch?(learn: Learner): void | Promise<void>;
  afterBatch?(learn: Learner): void | Promise<void>;
  afterCancelTrain?(learn: Learner): void | Promise<void>;
  afterTrain?(learn: Learner): void | Promise<void>;
  beforeValidate?(learn: Learner): void | Promise<void>;
  afterCancelValidate?(learn: Learner): void | Promise<void>;
  afterValidate?(learn: Learner): void | Promise<void>;
  afterCancelEpoch?(learn: Learner): void | Promise<void>;
  afterEpoch?(learn: Learner): void | Promise<void>;
  afterCancelFit?(learn: Learner): void | Promise<void>;
  afterFit?(learn: Learner): void | Promise<void>;
}

export type EventName = keyof CallbackEvents;

/** Every event, in the order a fit first fires each. */
export const EVENTS: readonly EventName[] = [
  'beforeFit',
  'beforeEpoch',
  'beforeTrain',
  'beforeBatch',
  'afterPred',
  'afterLoss',
  'beforeBackward',
  'afterCancelBackward',
  'afterBackward',
  'beforeStep',
  'afterCancelStep',
  'afterStep',
  'afterCancelBatch',
  'afterBatch',
  'afterCancelTrain',
  'afterTrain',
  'beforeValidate',
  'afterCancelValidate',
  'afterValidate',
  'afterCancelEpoch',
  'afterEpoch',
  'afterCancelFit',
  'afterFit',
];

/** The events that run inside a batch's tidy(): their handlers must not return a Promise. */
export const SYNC_EVENTS: ReadonlySet<EventName> = new Set<EventName>(['afterPred', 'afterLoss', 'beforeBackward', 'afterCancelBackward', 'afterBackward']);

/**
 * Subclass and define the events you need; `this.learn` is the learner (also passed to each
 * handler). A plain object with handlers (`{ afterBatch: (learn) => … }`) works too.
 */
export class Callback {
  /** Lower runs first. fastai's: Recorder 50, CSVLogger 51, ParamScheduler and progress 60, trackers 61–63. */
  order = 0;
  /** Set when the callback is added to a learner. */
  learn!: Learner;
  /** Shown in error messages. */
  get name(): string {
    return this.constructor.name;
  }
}
// The event handlers as optional members of every Callback (a class and an interface merged).
export interface Callback extends CallbackEvents {}

export type CallbackLike = Callback | (CallbackEvents & { order?: number; name?: string });

/** Base of the cancel exceptions: not errors, control flow a callback asks for. */
export class CancelException extends Error {
  constructor(message?: string) {
    super(message ?? new.target.name);
    this.name = new.target.name;
  }
}
/** Skip the rest of this batch (afterCancelBatch, then afterBatch). */
export class CancelBatch extends CancelException {}
/** Skip the optimizer step of this batch. */
export class CancelStep extends CancelException {}
/** Skip the backward pass (and so the gradient) of this batch. */
export class CancelBackward extends CancelException {}
/** Skip the rest of this epoch's training batches; validation still runs. */
export class CancelTrain extends CancelException {}
/** Skip this epoch's validation. */
export class CancelValidate extends CancelException {}
/** Skip the rest of this epoch, its validation included (afterCancelEpoch, then afterEpoch). */
export class CancelEpoch extends CancelException {}
/** End the fit: afterCancelFit, then afterFit. */
export class CancelFit extends CancelException {}
