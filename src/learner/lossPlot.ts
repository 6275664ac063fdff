// fastai's recorder.plot_loss as a PNG: the smoothed training loss at every step (after the first
// `skipStart`), and the validation loss of each epoch of the latest fit at the step it ended.

import { BLUE, RED } from '../plot/canvas.js';
import { lineChart, type Series } from '../plot/chart.js';
import type { History } from './recorder.js';

export interface PlotLossOptions {
  /** Steps left out at the start, where the loss is still falling fast (fastai: 5). */
  skipStart?: number;
  /** Also plot the validation loss of each epoch (fastai: true). */
  withValid?: boolean;
}

export async function plotLoss(h: History, path: string, o: PlotLossOptions = {}): Promise<void> {
  const skip = o.skipStart ?? 5;
  const train = h.smoothLosses.slice(skip);
  const series: Series[] = [{ xs: train.map((_, i) => i + skip), ys: train, color: BLUE, label: 'train' }];
  if (o.withValid ?? true) {
    const keep = h.iters.map((it, e) => [it, h.values[e]![2]!] as const).filter(([it]) => it >= skip);
    series.push({ xs: keep.map(([it]) => it), ys: keep.map(([, v]) => v), color: RED, label: 'valid', points: true });
  }
  await lineChart(series, { title: 'Loss against training steps' }).save(path);
}
