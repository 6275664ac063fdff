// Splitters: item count (or items) → train and validation indices, as fastai's.

import { WgslnetError } from '../gpu/errors.js';
import { Rng } from '../tensor/random.js';

export interface Split {
  train: number[];
  valid: number[];
}

export type Splitter = (items: readonly string[]) => Split;

/**
 * fastai's RandomSplitter: a seeded permutation of the indices; the first ⌊validPct·n⌋ are the
 * validation set. The same seed gives the same split (across runs, Node and browser).
 */
export function RandomSplitter(validPct = 0.2, seed = 0): Splitter {
  if (!(validPct >= 0 && validPct < 1)) throw new WgslnetError(`RandomSplitter: validPct must be in [0, 1), got ${validPct}`);
  return (items) => {
    const rng = new Rng(seed);
    const idx = Array.from(items, (_, i) => i);
    for (let i = idx.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [idx[i], idx[j]] = [idx[j]!, idx[i]!];
    }
    const cut = Math.floor(validPct * idx.length);
    return { valid: idx.slice(0, cut), train: idx.slice(cut) };
  };
}

/** The parts of a path, split on / or \\. */
export function pathParts(path: string): string[] {
  return path.split(/[\\/]+/).filter(Boolean);
}

/** The file name of a path. */
export function fileName(path: string): string {
  return pathParts(path).at(-1) ?? path;
}

/** The folder a file is in (its label under fromFolder). */
export function parentLabel(path: string): string {
  const parts = pathParts(path);
  if (parts.length < 2) throw new WgslnetError(`${path}: has no parent folder to take a label from`);
  return parts.at(-2)!;
}

/** fastai's GrandparentSplitter: items whose grandparent folder is `train` or `valid`. */
export function GrandparentSplitter(train = 'train', valid = 'valid'): Splitter {
  return (items) => {
    const split: Split = { train: [], valid: [] };
    items.forEach((p, i) => {
      const gp = pathParts(p).at(-3);
      if (gp === train) split.train.push(i);
      else if (gp === valid) split.valid.push(i);
    });
    return split;
  };
}
