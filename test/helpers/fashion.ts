// Small labelled image sets taken from the demo's shipped sample (data/fashion-sample: real
// Fashion-MNIST images named <class>_<index>.png).

import { fileURLToPath } from 'node:url';
import { getImageFiles } from '../../src/node/index.js';

export const SAMPLE = fileURLToPath(new URL('../../data/fashion-sample', import.meta.url));

export const labelOf = (name: string) => name.replace(/_\d+\.png$/, '');

/** The first `perClass` files of each named class, in sorted order. */
export function sampleFiles(classes: string[], perClass: number): string[] {
  const all = getImageFiles(SAMPLE);
  return classes.flatMap((c) => all.filter((f) => labelOf(f.slice(SAMPLE.length + 1)) === c).slice(0, perClass));
}
