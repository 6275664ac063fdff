// The worker's data step: which picked files decode, their labels under the chosen rule, and the
// DataLoaders for a run. Labels use the package's own rules (parentLabel, regexLabel), so a folder
// labels the same here as with `wgslnet train`.

import { augTransforms, fileName, ImageDataLoaders, parentLabel, regexLabel, Resize, verifyImages, type DataLoaders } from 'wgslnet';
import { InputError } from '../faults.js';
import type { DataReport, Item, LabelRule, TrainOptions } from './protocol.js';

/** The images that decoded, after the last `check`. */
let good: Item[] = [];

export async function check(items: Item[], progress: (done: number, total: number) => void): Promise<DataReport> {
  const bad = await verifyImages(items.map((i) => i.url), progress);
  const badUrls = new Set(bad.map((b) => b.file));
  good = items.filter((i) => !badUrls.has(i.url));
  const nameOf = new Map(items.map((i) => [i.url, i.name]));
  // The decoder names the URL; the user knows the file by its path.
  return { good: good.length, bad: bad.map((b) => ({ name: nameOf.get(b.file)!, error: b.error.replaceAll(b.file, nameOf.get(b.file)!) })) };
}

function labeller(rule: LabelRule): (name: string) => string {
  if (rule.kind === 'folder') return parentLabel;
  if (rule.kind === 'pets') return (name) => (fileName(name)[0] === fileName(name)[0]!.toUpperCase() ? 'cat' : 'dog');
  let re: RegExp;
  try {
    re = new RegExp(rule.pattern);
  } catch (e) {
    throw new InputError(`The label pattern ${rule.pattern} is not a valid regular expression: ${(e as Error).message}`);
  }
  return (name) => regexLabel(name, fileName(name), re);
}

/** Every good image's label; one class, or none, is an error that says what to change. */
export function labels(rule: LabelRule): string[] {
  if (!good.length) throw new InputError('No images to train on: pick a folder with .png or .jpg files (or drop one here), or use the Fashion-MNIST sample.');
  const f = labeller(rule);
  const out = good.map((i) => {
    try {
      return f(i.name);
    } catch (e) {
      throw new InputError((e as Error).message);
    }
  });
  const classes = new Set(out);
  if (classes.size < 2) {
    const hint =
      rule.kind === 'folder' ? 'the parent-folder rule needs one subfolder per class (files directly in the picked folder all take its name)' : rule.kind === 'regex' ? 'the pattern’s first group must differ between classes' : 'the Pets rule needs both capitalised (cat) and lower-case (dog) file names';
    throw new InputError(`All ${good.length} images have the label '${[...classes][0]}'; classification needs at least 2 classes: ${hint}.`);
  }
  return out;
}

export function classCounts(ls: string[]): [string, number][] {
  const m = new Map<string, number>();
  for (const l of ls) m.set(l, (m.get(l) ?? 0) + 1);
  return [...m].sort((a, b) => a[0].localeCompare(b[0]));
}

/** Items carry their name after '#': fetch ignores the fragment, and the page reads it back. */
export function dataLoaders(o: TrainOptions): DataLoaders {
  const ls = labels(o.rule);
  return ImageDataLoaders.fromLists(
    '',
    good.map((i) => `${i.url}#${encodeURI(i.name)}`),
    ls,
    { validPct: o.validPct, seed: o.seed, bs: o.bs, itemTfms: [Resize(o.size)], batchTfms: { aug: o.aug ? augTransforms() : null } },
  );
}
