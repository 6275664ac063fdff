// The fit loop, as fastai's Learner runs it (_do_fit → _do_epoch → all_batches → one_batch), with
// the callback events of callback.ts, and one change for the GPU: each batch's loss (and in
// validation its predictions) is read back one step late. Batch k's step is recorded and
// submitted, its read starts, then batch k + 1 is recorded and submitted before the loop waits for
// batch k's numbers, so the GPU always has the next step queued while the host waits.

import { WgslnetError } from '../gpu/errors.js';
import { noGrad } from '../tensor/autograd.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Batch, DataLoader } from '../data/dataLoader.js';
import {
  CancelBackward,
  CancelBatch,
  CancelEpoch,
  CancelException,
  CancelFit,
  CancelStep,
  CancelTrain,
  CancelValidate,
  type CallbackLike,
  type EventName,
} from './callback.js';
import type { Learner } from './learner.js';

/** A batch whose step is queued on the GPU and whose numbers are still being read back. */
interface InFlight {
  iter: number;
  /** Training steps taken in this fit including this batch (what afterBatch sees as trainIter). */
  trainIter: number;
  pctTrain: number;
  yb: Int32Array;
  items: string[];
  loss: Promise<number> | null;
  logits: Promise<Float32Array> | null;
  cancelled: boolean;
}

/** Per fit (or per standalone validation): the running step count and whether stop() applies. */
interface Run {
  trainIter: number;
  inFit: boolean;
}

const nameOf = (cb: CallbackLike) => cb.name ?? cb.constructor?.name ?? 'callback';

/** Calls `event` on every callback in order, awaiting async handlers. */
export async function fire(learn: Learner, event: EventName): Promise<void> {
  for (const cb of [...learn.cbs]) {
    const handler = cb[event];
    if (!handler) continue;
    const r = handler.call(cb, learn);
    if (r) await r;
  }
}

/** The in-step events run inside the batch's tidy(): a handler may not return a Promise. */
function fireSync(learn: Learner, event: EventName): void {
  for (const cb of [...learn.cbs]) {
    const r = cb[event]?.call(cb, learn);
    if (r && typeof (r as Promise<void>).then === 'function') {
      throw new WgslnetError(`${nameOf(cb)}.${event} returned a Promise; it runs inside the step's tidy() and must be synchronous (record GPU work, do not await it)`);
    }
  }
}

/** fastai's _with_events: before<Stage>, the body, afterCancel<Stage> if it was cancelled, after<Stage>. */
async function withEvents(learn: Learner, stage: 'Fit' | 'Epoch' | 'Train' | 'Validate', Cancel: typeof CancelException, body: () => Promise<void>): Promise<void> {
  try {
    await fire(learn, `before${stage}`);
    await body();
  } catch (e) {
    if (!(e instanceof Cancel)) throw e;
    await fire(learn, `afterCancel${stage}`);
  }
  await fire(learn, `after${stage}`);
}

/** nEpoch epochs of training and validation with every callback's events. */
export async function runFit(learn: Learner, nEpoch: number): Promise<void> {
  const run: Run = { trainIter: 0, inFit: true };
  Object.assign(learn, { nEpoch, epoch: 0, trainIter: 0, pctTrain: 0, stopRequested: false });
  try {
    await withEvents(learn, 'Fit', CancelFit, async () => {
      for (let epoch = 0; epoch < nEpoch; epoch++) {
        learn.epoch = epoch;
        await withEvents(learn, 'Epoch', CancelEpoch, async () => {
          await runPhase(learn, learn.dls.train, true, run);
          await runPhase(learn, learn.dls.valid, false, run);
        });
      }
    });
  } finally {
    finish(learn);
  }
}

/** One pass over `dl` in evaluation mode with the validation events (learn.validate()). */
export async function runValidate(learn: Learner, dl: DataLoader): Promise<void> {
  try {
    await runPhase(learn, dl, false, { trainIter: 0, inFit: false });
  } finally {
    finish(learn);
  }
}

function finish(learn: Learner): void {
  learn.model.train();
  Object.assign(learn, { training: false, dl: null, xb: null, pred: null, lossGrad: null, stopRequested: false });
}

async function runPhase(learn: Learner, dl: DataLoader, train: boolean, run: Run): Promise<void> {
  Object.assign(learn, { training: train, dl, nIter: dl.length }); // fastai's TrainEvalCallback
  learn.model.train(train);
  await withEvents(learn, train ? 'Train' : 'Validate', train ? CancelTrain : CancelValidate, () => allBatches(learn, dl, run));
}

async function allBatches(learn: Learner, dl: DataLoader, run: Run): Promise<void> {
  let inFlight: InFlight | null = null;
  let i = 0;
  try {
    for await (const b of dl) {
      let next: InFlight;
      try {
        next = await oneBatch(learn, i++, b, run);
      } catch (e) {
        // A cancel (or error) in this batch's events: the previous batch still reports first.
        const prev = inFlight;
        inFlight = null;
        if (prev) await settle(learn, prev);
        throw e;
      }
      const prev = inFlight;
      inFlight = next;
      if (prev) await settleBefore(learn, prev, next, () => (inFlight = null));
      if (learn.stopRequested && run.inFit) {
        inFlight = null;
        await settle(learn, next);
        throw new CancelFit('stop() was called');
      }
    }
    const last = inFlight;
    inFlight = null;
    if (last) await settle(learn, last);
  } finally {
    if (inFlight) discard(inFlight); // an error ended the loop: nobody will read these
  }
}

/** Settles `prev`; if its afterBatch cancels, `next` (whose step was already taken) reports before the cancel goes on. */
async function settleBefore(learn: Learner, prev: InFlight, next: InFlight, dropNext: () => void): Promise<void> {
  try {
    await settle(learn, prev);
  } catch (e) {
    if (!(e instanceof CancelException)) throw e;
    dropNext();
    try {
      await settle(learn, next);
    } catch (e2) {
      if (!(e2 instanceof CancelException)) throw e2;
    }
    throw e;
  }
}

function discard(f: InFlight): void {
  f.loss?.catch(() => {});
  f.logits?.catch(() => {});
}

/** Sets the learner's batch state, fires beforeBatch … afterStep, queues the step and starts reading its numbers. */
async function oneBatch(learn: Learner, iter: number, b: Batch, run: Run): Promise<InFlight> {
  Object.assign(learn, { iter, xb: b.x, yb: b.y, items: b.items, loss: NaN, logits: null, trainIter: run.trainIter });
  if (learn.training) learn.pctTrain = run.trainIter / (learn.nEpoch * learn.nIter);
  const f: InFlight = { iter, trainIter: run.trainIter, pctTrain: learn.pctTrain, yb: b.y, items: b.items, loss: null, logits: null, cancelled: false };
  try {
    await fire(learn, 'beforeBatch');
    if (learn.training) await trainBatch(learn, f);
    else validBatch(learn, f);
  } catch (e) {
    if (!(e instanceof CancelBatch)) throw e;
    f.cancelled = true;
  } finally {
    discardBatchTensors(learn, b.x);
  }
  if (learn.training) {
    f.trainIter = ++run.trainIter; // fastai's TrainEvalCallback counts cancelled batches too
    f.pctTrain = run.trainIter / (learn.nEpoch * learn.nIter);
  }
  return f;
}

function discardBatchTensors(learn: Learner, x: Tensor): void {
  x.dispose();
  learn.pred?.dispose();
  learn.lossGrad?.dispose();
  Object.assign(learn, { xb: null, pred: null, lossGrad: null });
}

/** Forward, loss, backward (one tidy: the graph's tensors live until backward is done), then the optimizer step. */
async function trainBatch(learn: Learner, f: InFlight): Promise<void> {
  const [pred, loss] = tidy(() => {
    learn.pred = learn.model.forward(learn.xb!);
    fireSync(learn, 'afterPred');
    learn.lossGrad = learn.lossFunc(learn.pred, learn.yb);
    fireSync(learn, 'afterLoss');
    try {
      fireSync(learn, 'beforeBackward');
      learn.lossGrad.backward();
    } catch (e) {
      if (!(e instanceof CancelBackward)) throw e;
      fireSync(learn, 'afterCancelBackward');
    }
    fireSync(learn, 'afterBackward');
    return [learn.pred, learn.lossGrad];
  });
  Object.assign(learn, { pred, lossGrad: loss });
  try {
    await fire(learn, 'beforeStep');
    learn.opt.step();
  } catch (e) {
    if (!(e instanceof CancelStep)) throw e;
    await fire(learn, 'afterCancelStep');
  }
  await fire(learn, 'afterStep');
  learn.opt.zeroGrad();
  f.loss = learn.lossGrad!.item(); // the copy is queued now; the value is awaited a step later
  f.loss.catch(() => {}); // (a rejection is reported where it is awaited)
}

/** Forward and loss without the tape; the loss and the predictions are read back. */
function validBatch(learn: Learner, f: InFlight): void {
  const [pred, loss] = noGrad(() =>
    tidy(() => {
      learn.pred = learn.model.forward(learn.xb!);
      fireSync(learn, 'afterPred');
      learn.lossGrad = learn.lossFunc(learn.pred, learn.yb);
      fireSync(learn, 'afterLoss');
      return [learn.pred, learn.lossGrad];
    }),
  );
  Object.assign(learn, { pred, lossGrad: loss });
  f.loss = loss.item();
  f.logits = pred.toArray();
  discard(f);
}

/** Waits for a batch's numbers, puts its state back on the learner, and fires afterBatch. */
async function settle(learn: Learner, f: InFlight): Promise<void> {
  Object.assign(learn, { iter: f.iter, trainIter: f.trainIter, pctTrain: f.pctTrain, yb: f.yb, items: f.items, loss: NaN, logits: null });
  if (f.cancelled) {
    await fire(learn, 'afterCancelBatch');
  } else {
    learn.loss = await f.loss!;
    learn.logits = f.logits ? await f.logits : null;
  }
  await fire(learn, 'afterBatch');
}

/** Logits, targets and items of every batch of `dl` in evaluation mode; each batch's read overlaps the next batch's forward. */
export async function* evaluate(learn: Learner, dl: DataLoader): AsyncGenerator<{ logits: Float32Array; y: Int32Array; items: string[] }> {
  await learn.waitReady();
  learn.model.eval();
  let pending: Promise<{ logits: Float32Array; y: Int32Array; items: string[] }> | null = null;
  try {
    for await (const b of dl) {
      const logits = noGrad(() => tidy(() => learn.model.forward(b.x)));
      b.x.dispose();
      const read = logits.toArray().then((values) => ({ logits: values, y: b.y, items: b.items }));
      read.catch(() => {});
      logits.dispose();
      const prev = pending;
      pending = read;
      if (prev) yield await prev;
    }
    const last = pending;
    pending = null;
    if (last) yield await last;
  } finally {
    learn.model.train();
  }
}
