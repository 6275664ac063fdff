// What the three converter benches share: the example grid (a row of images per class, so a
// reader can see what tells the classes apart), a split by a group (voice, package) so no group is
// on both sides, and the training run through the ordinary learner, with fastai's table.

import { loadavg } from 'node:os';
import { ClassificationInterpretation, errorRate, ImageDataLoaders, manualSeed, visionLearner, type RgbImage, type Splitter } from '../../src/node/index.js';
import { imageGrid } from '../../src/plot/canvas.js';
import { Rng } from '../../src/tensor/random.js';

export interface Item {
  /** Unique; what errors and the interpretation call the item. */
  name: string;
  image: RgbImage;
  label: string;
  /** The split unit: items of one group are all in training or all in validation. */
  group: string;
}

export const load = () => loadavg().map((v) => v.toFixed(2)).join(' ');

/** `perClass` examples of each class, evenly spaced through its items (so from many groups), one row per class. */
export async function exampleGrid(items: Item[], perClass: number, path: string, cell = 64): Promise<void> {
  const classes = [...new Set(items.map((i) => i.label))].sort();
  const cells = classes.flatMap((c) => {
    const of = items.filter((i) => i.label === c);
    const picked = Array.from({ length: Math.min(perClass, of.length) }, (_, k) => of[Math.floor((k * of.length) / Math.min(perClass, of.length))]!);
    return picked.map((i) => ({ image: i.image, lines: [c, i.group.slice(0, 18)] }));
  });
  await imageGrid(cells, perClass, cell).save(path);
  console.log(`examples: ${path} (${classes.length} rows of ${perClass})`);
}

/** A seeded ~validPct of the groups (not the items) go to validation. */
export function groupSplitter(items: Item[], validPct: number, seed: number): Splitter {
  const groups = [...new Set(items.map((i) => i.group))].sort();
  const rng = new Rng(seed);
  for (let i = groups.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [groups[i], groups[j]] = [groups[j]!, groups[i]!];
  }
  const valid = new Set(groups.slice(0, Math.max(1, Math.round(validPct * groups.length))));
  const byName = new Map(items.map((i) => [i.name, i.group]));
  return (names) => {
    const split = { train: [] as number[], valid: [] as number[] };
    names.forEach((n, k) => (valid.has(byName.get(n)!) ? split.valid : split.train).push(k));
    return split;
  };
}

export interface TrainOptions {
  splitter: Splitter;
  epochs: number;
  lr: number;
  bs: number;
  seed: number;
}

/** resnet18 from random weights, fitOneCycle; returns the final error rate and the seconds taken. */
export async function train(items: Item[], o: TrainOptions): Promise<{ error: number; seconds: number; train: number; valid: number; classes: number }> {
  manualSeed(o.seed);
  const dls = ImageDataLoaders.fromImages(items, { splitter: o.splitter, bs: o.bs, seed: o.seed });
  const [train, valid] = [dls.train.items.length, dls.valid.items.length];
  console.log(`${train} training and ${valid} validation images, ${dls.c} classes (chance error ${(1 - 1 / dls.c).toFixed(3)}); resnet18 from random weights, fitOneCycle(${o.epochs}, ${o.lr}), bs ${o.bs}; load average ${load()}`);
  const learn = visionLearner(dls, 'resnet18', { metrics: [errorRate], pretrained: false }); // none can be downloaded here
  const t0 = performance.now();
  await learn.fitOneCycle(o.epochs, o.lr);
  const seconds = (performance.now() - t0) / 1000;
  const error = learn.history.values.at(-1)![3]!;
  const confused = (await ClassificationInterpretation.fromLearner(learn)).mostConfused().slice(0, 4);
  if (confused.length) console.log(`most confused (actual → predicted, count): ${confused.map(([a, p, n]) => `${a} → ${p} ${n}`).join(', ')}`);
  learn.dispose();
  return { error, seconds, train, valid, classes: dls.c };
}
