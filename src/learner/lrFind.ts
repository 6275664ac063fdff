// fastai's lr_find: train with a learning rate growing exponentially from `start` to `end` over
// `numIt` steps, record the smoothed loss, stop once it exceeds 4× the best, then put the weights,
// BatchNorm statistics and optimizer state back as they were. Suggests learning rates (valley,
// minimum, steep) and can plot loss against learning rate as a PNG.

import { BatchNorm } from '../nn/layers.js';
import { clone } from '../ops/layout.js';
import { keep } from '../tensor/scope.js';
import { Canvas, BLUE, GRAY, RED, BLACK } from '../plot/canvas.js';
import type { Learner } from './learner.js';
import { SmoothLoss } from './recorder.js';

export interface LrFindOptions {
  start?: number;
  end?: number;
  numIt?: number;
  /** Write the loss-vs-learning-rate plot here (PNG). */
  plot?: string;
}

export interface LrFindResult {
  /** Learning rates and smoothed losses of every step taken. */
  lrs: number[];
  losses: number[];
  valley: number;
  minimum: number;
  steep: number;
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
  return lrs[maxStart + Math.floor(sections) + Math.floor(sections / 2)]!;
}

/** fastai's minimum: a tenth of the learning rate with the lowest loss. */
export function minimum(lrs: number[], losses: number[]): number {
  return lrs[losses.indexOf(Math.min(...losses))]! / 10;
}

/** fastai's steep: where the loss falls fastest against log(lr). */
export function steep(lrs: number[], losses: number[]): number {
  let best = 0;
  let bestGrad = Infinity;
  for (let i = 0; i + 1 < losses.length; i++) {
    const g = (losses[i + 1]! - losses[i]!) / (Math.log(lrs[i + 1]!) - Math.log(lrs[i]!));
    if (g < bestGrad) [best, bestGrad] = [i, g];
  }
  return lrs[best]!;
}

export async function lrFind(learn: Learner, o: LrFindOptions = {}): Promise<LrFindResult> {
  const [start, end, numIt] = [o.start ?? 1e-7, o.end ?? 10, o.numIt ?? 100];
  await learn.waitReady();
  // Snapshot: every weight and statistic on the GPU (copies), BN counters and optimizer state on the CPU.
  const saved = [...learn.model.stateDict()].map(([, t]) => [t, keep(clone(t))] as const);
  const bns = learn.model.namedModules().flatMap(([, m]) => (m instanceof BatchNorm ? [[m, m.numBatchesTracked] as const] : []));
  const optState = await learn.opt.stateDict();
  const lrs: number[] = [];
  const losses: number[] = [];
  const smooth = new SmoothLoss();
  let best = Infinity;
  try {
    learn.model.train();
    outer: while (lrs.length < numIt) {
      for await (const b of learn.dls.train) {
        const lr = start * (end / start) ** (lrs.length / numIt);
        let loss: number;
        try {
          loss = await learn.trainStep(b.x, b.y, { lrs: learn.lrs(lr), mom: 0.9 });
        } finally {
          b.x.dispose();
        }
        const s = smooth.add(loss);
        lrs.push(lr);
        losses.push(s);
        best = Math.min(best, s);
        learn.output.status(`lrFind: ${lrs.length}/${numIt}  lr ${lr.toExponential(2)}  loss ${s.toFixed(4)}`);
        if (s > 4 * best || Number.isNaN(s) || lrs.length >= numIt) break outer;
      }
    }
  } finally {
    for (const [t, copy] of saved) {
      t.assign(copy);
      copy.dispose();
    }
    for (const [m, n] of bns) m.numBatchesTracked = n;
    learn.opt.resetState();
    learn.opt.loadStateDict(optState);
  }
  // As fastai: skip the first tenth and the last five steps, and stop at the first NaN.
  let [sl, sv] = [lrs.slice(Math.floor(numIt / 10), -5), losses.slice(Math.floor(numIt / 10), -5)];
  const nan = sv.findIndex(Number.isNaN);
  if (nan >= 0) [sl, sv] = [sl.slice(0, nan), sv.slice(0, nan)];
  if (sl.length < 2) [sl, sv] = [lrs, losses];
  const result = { lrs, losses, valley: valley(sl, sv), minimum: minimum(sl, sv), steep: steep(sl, sv) };
  if (o.plot) await plotLrFind(result, sl, sv, o.plot);
  return result;
}

/** Loss against learning rate (log scale), the valley suggestion marked in red. */
async function plotLrFind(r: LrFindResult, lrs: number[], losses: number[], path: string): Promise<void> {
  const [W, H, L, B, T, R] = [560, 360, 70, 40, 20, 20];
  const cv = new Canvas(W, H);
  const [x0, x1] = [Math.log10(lrs[0]!), Math.log10(lrs.at(-1)!)];
  const finite = losses.filter(Number.isFinite);
  const [y0, y1] = [Math.min(...finite), Math.max(...finite)];
  const px = (lr: number) => L + ((Math.log10(lr) - x0) / (x1 - x0 || 1)) * (W - L - R);
  const py = (v: number) => H - B - ((v - y0) / (y1 - y0 || 1)) * (H - B - T);
  cv.line(L, T, L, H - B, BLACK);
  cv.line(L, H - B, W - R, H - B, BLACK);
  for (let d = Math.ceil(x0); d <= Math.floor(x1); d++) {
    const x = px(10 ** d);
    cv.line(x, H - B, x, H - B + 4, BLACK);
    cv.line(x, T, x, H - B - 1, GRAY);
    cv.text(x - 16, H - B + 8, `1e${d}`);
  }
  for (let k = 0; k <= 4; k++) {
    const v = y0 + ((y1 - y0) * k) / 4;
    cv.text(4, py(v) - 6, v.toFixed(3));
    cv.line(L - 4, py(v), L, py(v), BLACK);
  }
  for (let i = 0; i + 1 < lrs.length; i++) if (Number.isFinite(losses[i]! + losses[i + 1]!)) cv.line(px(lrs[i]!), py(losses[i]!), px(lrs[i + 1]!), py(losses[i + 1]!), BLUE);
  const vi = lrs.indexOf(r.valley);
  if (vi >= 0) cv.fillRect(Math.round(px(r.valley)) - 3, Math.round(py(losses[vi]!)) - 3, 7, 7, RED);
  cv.text(L + 8, T, `Loss vs learning rate; valley ${r.valley.toExponential(2)}`);
  await cv.save(path);
}
