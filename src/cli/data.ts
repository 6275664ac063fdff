// The CLI's data step: list a folder's images, check every one decodes (dropping and counting the
// bad ones with --skip-bad), label them (by folder, by a regex on the name, or Pets' upper-case
// rule) and build DataLoaders. Every failure is one clear sentence naming the path.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { WgslnetError } from '../gpu/errors.js';
import { GrandparentSplitter, pathParts, RandomSplitter, fileName, parentLabel } from '../data/splitters.js';
import { augTransforms } from '../data/batchTransforms.js';
import { ImageDataLoaders, regexLabel, type DataLoaders, type Label } from '../data/dataLoaders.js';
import { Resize } from '../data/itemTransforms.js';
import type { Decoder } from '../data/loader.js';
import { getImageFiles } from '../node/imageFiles.js';
import { verifyImages } from '../node/images.js';

export interface DataArgs {
  folder: string;
  label: string;
  size: number;
  bs: number;
  validPct: number;
  seed: number;
  skipBad: boolean;
  aug: boolean;
  decoder: Decoder;
}

/** A label function from --label: `folder`, `upper` (Pets' is-cat rule) or `re:<regex>` on the file name. */
export function labeller(spec: string): (file: string) => Label {
  if (spec === 'folder') return parentLabel;
  if (spec === 'upper') return (f) => (fileName(f)[0] === fileName(f)[0]!.toUpperCase() ? 'upper' : 'lower');
  if (spec.startsWith('re:')) {
    let re: RegExp;
    try {
      re = new RegExp(spec.slice(3));
    } catch (e) {
      throw new WgslnetError(`--label ${spec}: not a valid regular expression (${(e as Error).message})`);
    }
    return (f) => regexLabel(f, fileName(f), re);
  }
  throw new WgslnetError(`--label must be folder, upper or re:<regex>, got '${spec}'`);
}

export async function loadData(a: DataArgs, log: (s: string) => void): Promise<DataLoaders> {
  let files = getImageFiles(a.folder);
  if (!files.length) throw new WgslnetError(`${a.folder}: no images (.png, .jpg, .jpeg) in it or its subfolders`);
  const bad = await verifyImages(files, { decoder: a.decoder });
  if (bad.length && !a.skipBad) {
    throw new WgslnetError(`${bad[0]!.error}${bad.length > 1 ? ` (and ${bad.length - 1} more bad files)` : ''}; pass --skip-bad to leave them out`);
  }
  if (bad.length) {
    const skip = new Set(bad.map((b) => b.file));
    files = files.filter((f) => !skip.has(f));
    log(`skipped ${bad.length} unreadable image${bad.length > 1 ? 's' : ''} (first: ${bad[0]!.file})`);
  }
  const label = labeller(a.label);
  const labels = files.map(label);
  const classes = new Set(labels.map(String));
  if (classes.size < 2) throw new WgslnetError(`${a.folder}: every image has the label '${[...classes][0]}'; classification needs at least 2 classes (check --label)`);
  // train/ and valid/ folders split the data as fastai's from_folder does; otherwise --valid-pct.
  const hasSplitFolders = existsSync(join(a.folder, 'train')) && existsSync(join(a.folder, 'valid'));
  const splitter = hasSplitFolders && a.label === 'folder' && files.every((f) => ['train', 'valid'].includes(pathParts(f).at(-3) ?? '')) ? GrandparentSplitter() : RandomSplitter(a.validPct, a.seed);
  return ImageDataLoaders.fromLists(a.folder, files, labels, {
    splitter,
    seed: a.seed,
    bs: a.bs,
    itemTfms: [Resize(a.size)],
    batchTfms: { aug: a.aug ? augTransforms() : null },
    decoder: a.decoder,
  });
}
