// fastai's lr_find: fit() with the LRFinder callback, which raises the learning rate exponentially
// from `start` to `end` over `numIt` steps, records the smoothed loss, stops once it exceeds 4× the
// best (or is NaN), skips validation, and afterwards puts the weights, BatchNorm statistics,
// optimizer state and history back as they were. The suggestions (valley, minimum, steep) follow
// fastai's callback/schedule.py line for line; the plot is loss against learning rate as a PNG.

import { clone } from '../ops/layout.js';
import { keep } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import { BLUE, RED } from '../plot/canvas.js';
import { lineChart } from '../plot/chart.js';
import { Callback, CancelFit, CancelValidate } from './callback.js';
import type { Learner } from './learner.js';
import type { History } from './recorder.js';
import { ProgressCallback } from './progress.js';

export interface LrFindOptions {
  /** First learning rate (one for all layer groups, or one per group). */
  start?: number | number[];
  end?: number | number[];
  numIt?: number;
  /** Stop once the smoothed loss exceeds 4× the best so far (fastai's stop_div). */
  stopDiv?: boolean;
  /** Write the loss-vs-learning-rate plot here (PNG). */
  plot?: string;
}

export interface LrSuggestions {
  valley: number;
  minimum: number;
  steep: number;
}

export interface LrFindResult extends LrSuggestions {
  /** Learning rates and smoothed losses of every step taken. */
  lrs: number[];
  losses: number[];
}

/** fastai's valley: the longest run of decreasing loss; a point two thirds of the way down it. */
export function valley(lrs: number[], losses: number[]): number {
  const n = losses.length;
  const lds = new Array<number>(n).fill(1);
  let [maxStart, maxEnd] = [0, 0];
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < i; j++) {
      if (losses[i]! < losses[j]! && lds[i]! < lds[j]! + 1) lds[i] = lds[j]! + 1;
      if (lds[maxEnd]! < lds[i]!) {
        maxEnd = i;
        maxStart = maxEnd - lds[maxEnd]!;
      }
    }
  }
  const sections = (maxEnd - maxStart) / 3;
  return lrs[maxStart + Math.trunc(sections) + Math.trunc(sections / 2)]!;
}

/** fastai's minimum: a tenth of the learning rate with the lowest loss (the first, on a tie). */
export function minimum(lrs: number[], losses: number[]): number {
  let best = 0;
  for (let i = 1; i < losses.length; i++) if (losses[i]! < losses[best]!) best = i;
  return lrs[best]! / 10;
}

/** fastai's steep: the learning rate where the loss falls fastest against log(lr). */
export function steep(lrs: number[], losses: number[]): number {
  let best = 0;
  let bestGrad = Infinity;
  for (let i = 0; i + 1 < losses.length; i++) {
    const g = (losses[i + 1]! - losses[i]!) / (Math.log(lrs[i + 1]!) - Math.log(lrs[i]!));
    if (g < bestGrad) [best, bestGrad] = [i, g];
  }
  return lrs[best]!;
}

/**
 * fastai's lr_find post-processing: skip the first numIt/10 and the last five steps, cut at the
 * first NaN, then the three suggestions. (With fewer than two points left, the whole curve is used.)
 */
export function suggestLrs(lrs: number[], losses: number[], numIt: number): LrSuggestions & { used: [number[], number[]] } {
  let [sl, sv] = [lrs.slice(Math.floor(numIt / 10), -5), losses.slice(Math.floor(numIt / 10), -5)];
  const nan = sv.findIndex(Number.isNaN);
  if (nan >= 0) [sl, sv] = [sl.slice(0, nan), sv.slice(0, nan)];
  if (sl.length < 2) [sl, sv] = [lrs, losses];
  return { valley: valley(sl, sv), minimum: minimum(sl, sv), steep: steep(sl, sv), used: [sl, sv] };
}

/** fastai's LRFinder callback (what lrFind adds to its fit). */
export class LRFinder extends Callback {
  override order = 60;
  readonly lrs: number[] = [];
  readonly losses: number[] = [];
  readonly numIt: number;
  private best = Infinity;
  private done = false;
  private saved: { weights: Map<string, Tensor>; opt: Awaited<ReturnType<Learner['opt']['stateDict']>>; history: History } | null = null;

  constructor(readonly o: Omit<LrFindOptions, 'plot'> = {}) {
    super();
    this.numIt = Math.max(6, o.numIt ?? 100);
  }

  /** The learning rate of each layer group at step i. */
  lrAt(learn: Learner, i: number): number[] {
    const [s, e] = [learn.lrs(this.o.start ?? 1e-7), learn.lrs(this.o.end ?? 10)];
    return s.map((a, g) => a * (e[g]! / a) ** (i / this.numIt));
  }

  override async beforeFit(learn: Learner): Promise<void> {
    // Snapshot: every weight, statistic and BatchNorm counter on the GPU (copies), the optimizer state on the CPU.
    const h = learn.history;
    this.saved = {
      weights: new Map([...learn.model.stateDict()].map(([k, t]) => [k, keep(clone(t))])),
      opt: await learn.opt.stateDict(),
      history: { ...h, hypers: [...h.hypers], losses: [...h.losses], smoothLosses: [...h.smoothLosses] },
    };
  }
  override beforeBatch(learn: Learner): void {
    if (!learn.training) return;
    if (learn.trainIter >= this.numIt) throw new CancelFit();
    learn.setHypers({ lrs: this.lrAt(learn, learn.trainIter) });
  }
  override afterBatch(learn: Learner): void {
    if (!learn.training || this.done) return;
    const s = learn.smoothLoss;
    this.lrs.push(this.lrAt(learn, learn.trainIter - 1).at(-1)!);
    this.losses.push(s);
    this.best = Math.min(this.best, s);
    learn.output.status(`lrFind: ${this.lrs.length}/${this.numIt}  lr ${this.lrs.at(-1)!.toExponential(2)}  loss ${s.toFixed(4)}`);
    const diverged = (this.o.stopDiv ?? true) && (s > 4 * this.best || Number.isNaN(s));
    if (diverged || learn.trainIter >= this.numIt) {
      this.done = true;
      throw new CancelFit();
    }
  }
  override beforeValidate(): void {
    throw new CancelValidate();
  }
  override afterFit(learn: Learner): void {
    learn.opt.zeroGrad();
    const saved = this.saved;
    if (!saved) return;
    for (const [k, t] of learn.model.stateDict()) {
      const copy = saved.weights.get(k)!;
      t.assign(copy);
      copy.dispose();
    }
    learn.opt.resetState();
    learn.opt.loadStateDict(saved.opt);
    Object.assign(learn.history, saved.history); // lrFind's steps and epochs leave no trace
    this.saved = null;
  }
}

export async function lrFind(learn: Learner, o: LrFindOptions = {}): Promise<LrFindResult> {
  const finder = new LRFinder(o);
  const nEpoch = Math.floor(finder.numIt / learn.dls.train.length) + 1;
  // As fastai's no_logging: no table for this fit; the finder shows its own status line.
  const progress = learn.cbs.filter((c) => c instanceof ProgressCallback);
  learn.removeCbs(progress);
  try {
    await learn.fit(nEpoch, finder.lrAt(learn, 0), { cbs: [finder] });
  } finally {
    learn.addCbs(progress);
  }
  const { used, ...suggestions } = suggestLrs(finder.lrs, finder.losses, finder.numIt);
  const result = { lrs: finder.lrs, losses: finder.losses, ...suggestions };
  if (o.plot) await plotLrFind(result, used[0], used[1], o.plot);
  return result;
}

/** Loss against learning rate (log scale), the valley suggestion marked in red. */
async function plotLrFind(r: LrFindResult, lrs: number[], losses: number[], path: string): Promise<void> {
  const vi = lrs.indexOf(r.valley);
  const marks = vi >= 0 ? [{ x: r.valley, y: losses[vi]!, color: RED }] : [];
  const chart = lineChart([{ xs: lrs, ys: losses, color: BLUE }], { title: `Loss vs learning rate; valley ${r.valley.toExponential(2)}`, logX: true, marks });
  await chart.save(path);
}
