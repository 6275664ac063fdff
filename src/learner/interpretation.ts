// fastai's ClassificationInterpretation: predictions on the validation set, then the confusion
// matrix (rows actual, columns predicted), the most confused pairs, and the top losses, with PNG
// plots of the matrix and of the worst images.

import { loadImages } from '../data/loader.js';
import { BLACK, Canvas, imageGrid, WHITE, type Rgb } from '../plot/canvas.js';
import type { Learner } from './learner.js';
import { argmaxRow, crossEntropyRows } from './metrics.js';

export class ClassificationInterpretation {
  private constructor(
    readonly learn: Learner,
    readonly items: string[],
    readonly targets: Int32Array,
    readonly preds: Int32Array,
    /** [n, k] softmax probabilities. */
    readonly probs: Float32Array,
    readonly losses: Float64Array,
  ) {}

  /** Runs the model over the validation set (learn.dls.valid). */
  static async fromLearner(learn: Learner): Promise<ClassificationInterpretation> {
    const k = learn.dls.c;
    const items: string[] = [];
    const targets: number[] = [];
    const preds: number[] = [];
    const probs: number[] = [];
    const losses: number[] = [];
    for await (const b of learn.evaluate(learn.dls.valid)) {
      const ce = crossEntropyRows(b.logits, b.y, k);
      items.push(...b.items);
      targets.push(...b.y);
      b.y.forEach((_, i) => preds.push(argmaxRow(b.logits, i, k)));
      probs.push(...ce.probs);
      losses.push(...ce.losses);
    }
    return new ClassificationInterpretation(learn, items, Int32Array.from(targets), Int32Array.from(preds), Float32Array.from(probs), Float64Array.from(losses));
  }

  get vocab(): string[] {
    return this.learn.dls.vocab;
  }

  /** counts[actual][predicted]. */
  confusionMatrix(): number[][] {
    const k = this.vocab.length;
    const m = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    this.targets.forEach((t, i) => m[t]![this.preds[i]!]!++);
    return m;
  }

  /** [actual, predicted, count] for every off-diagonal cell with at least minVal items, most first. */
  mostConfused(minVal = 1): [string, string, number][] {
    const out: [string, string, number][] = [];
    this.confusionMatrix().forEach((row, a) => row.forEach((n, p) => a !== p && n >= minVal && out.push([this.vocab[a]!, this.vocab[p]!, n])));
    return out.sort((x, y) => y[2] - x[2]);
  }

  /** The k items with the largest loss: file, predicted, actual, loss, probability of the actual class. */
  topLosses(k = 9): { item: string; predicted: string; actual: string; loss: number; prob: number }[] {
    const c = this.vocab.length;
    return Array.from(this.losses.keys())
      .sort((a, b) => this.losses[b]! - this.losses[a]!)
      .slice(0, k)
      .map((i) => ({ item: this.items[i]!, predicted: this.vocab[this.preds[i]!]!, actual: this.vocab[this.targets[i]!]!, loss: this.losses[i]!, prob: this.probs[i * c + this.targets[i]!]! }));
  }

  /** The confusion matrix as a PNG: cells shaded by count, counts printed, labels on both axes. */
  async plotConfusionMatrix(path = 'confusion.png'): Promise<string> {
    const m = this.confusionMatrix();
    const k = m.length;
    const cell = Math.max(32, 8 * Math.max(...m.flat().map((v) => String(v).length)) + 8);
    const labelW = Canvas.textWidth(this.vocab.reduce((a, b) => (b.length > a.length ? b : a), '')) + 12;
    const cv = new Canvas(labelW + k * cell + 16, labelW + k * cell + 40);
    const max = Math.max(1, ...m.flat());
    cv.text(labelW, 4, 'Confusion matrix (rows actual, columns predicted)');
    m.forEach((row, a) => {
      cv.text(4, labelW + a * cell + cell / 2 - 6, this.vocab[a]!);
      row.forEach((n, p) => {
        const shade = Math.round(255 - (200 * n) / max);
        const color: Rgb = [shade, shade, 255];
        cv.fillRect(labelW + p * cell, labelW + a * cell, cell - 1, cell - 1, color);
        cv.text(labelW + p * cell + 4, labelW + a * cell + cell / 2 - 6, String(n), shade < 128 ? WHITE : BLACK);
      });
    });
    // Predicted labels, written vertically (one character per line) above their columns.
    this.vocab.forEach((v, p) => [...v.slice(0, Math.floor((labelW - 24) / 13))].forEach((ch, j) => cv.text(labelW + p * cell + cell / 2 - 4, 20 + j * 13, ch)));
    await cv.save(path);
    return path;
  }

  /** The k worst images with predicted/actual/loss/probability above each (fastai's plot_top_losses). */
  async plotTopLosses(k = 9, path = 'top_losses.png'): Promise<string> {
    const top = this.topLosses(k);
    const jobs = top.map((t) => ({ source: t.item, tfms: this.learn.dls.itemTfms, seed: 0, train: false }));
    const images = await loadImages(jobs, this.learn.dls.valid.opts.images);
    const cells = top.map((t, i) => ({ image: images[i]!, lines: [`${t.predicted}/${t.actual}`, `${t.loss.toFixed(2)} / ${t.prob.toFixed(2)}`] }));
    await imageGrid(cells, Math.ceil(Math.sqrt(cells.length)), 96).save(path);
    return path;
  }
}
