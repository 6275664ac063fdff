// fastai's data factories on real folders: ImageDataLoaders.fromFolder with train/ and valid/
// folders and with validPct, GrandparentSplitter, fromPathFunc and fromPathRe; and the CLI's data
// step (its train/valid branch, --label upper, --aug), run in-process.

import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadData, type DataArgs } from '../src/cli/data.js';
import { augTransforms, GrandparentSplitter, ImageDataLoaders, type DataLoader } from '../src/node/index.js';
import { labelOf, sampleFiles } from './helpers/fashion.js';
import { setupGpu } from './helpers/gpu.js';

beforeAll(setupGpu);

/** Copies `perClass` sample images of each class to <root>/<sub>/<class>/<file>. */
function tree(root: string, sub: string, classes: string[], perClass: number, offset = 0): string[] {
  const out: string[] = [];
  for (const f of sampleFiles(classes, perClass + offset).filter((_, i) => i % (perClass + offset) >= offset)) {
    const name = f.split('/').at(-1)!;
    const dir = join(root, sub, labelOf(name));
    mkdirSync(dir, { recursive: true });
    copyFileSync(f, join(dir, name));
    out.push(join(dir, name));
  }
  return out;
}

const parent = (f: string) => f.split('/').at(-2)!;
const grandparent = (f: string) => f.split('/').at(-3)!;

describe('ImageDataLoaders.fromFolder', () => {
  it('train/ and valid/ folders split the data (other folders are left out); the label is the parent folder', async () => {
    const root = mkdtempSync(join(tmpdir(), 'wgslnet-folder-'));
    tree(root, 'train', ['bag', 'trouser'], 6);
    tree(root, 'valid', ['bag', 'trouser'], 2, 6);
    tree(root, 'test', ['bag'], 3, 8);
    const dls = await ImageDataLoaders.fromFolder(root, { bs: 4 });
    expect(dls.vocab).toEqual(['bag', 'trouser']);
    expect(dls.train.items.length).toBe(12);
    expect(dls.valid.items.length).toBe(4);
    expect(dls.train.items.every((f) => grandparent(f) === 'train')).toBe(true);
    expect(dls.valid.items.every((f) => grandparent(f) === 'valid')).toBe(true);
    for (const dl of [dls.train, dls.valid]) dl.items.forEach((f, i) => expect(dls.vocab[dl.labels[i]!]).toBe(parent(f)));
    // Other names for the two folders, as fastai's train= and valid=.
    const renamed = mkdtempSync(join(tmpdir(), 'wgslnet-folder-'));
    tree(renamed, 'training', ['bag', 'sneaker'], 4);
    tree(renamed, 'holdout', ['bag', 'sneaker'], 2, 4);
    const dls2 = await ImageDataLoaders.fromFolder(renamed, { train: 'training', valid: 'holdout', bs: 4 });
    expect([dls2.train.items.length, dls2.valid.items.length]).toEqual([8, 4]);
    expect(dls2.vocab).toEqual(['bag', 'sneaker']);
    // Neither split folders nor validPct: named.
    await expect(ImageDataLoaders.fromFolder(join(root, 'test'))).rejects.toThrow(/test: no images in train\/<label>\/ or valid\/<label>\/ folders; pass validPct/);
  });

  it('with validPct: a seeded random split of a folder of class folders', async () => {
    const root = mkdtempSync(join(tmpdir(), 'wgslnet-pct-'));
    tree(root, '.', ['bag', 'sneaker', 'trouser'], 10);
    const dls = await ImageDataLoaders.fromFolder(root, { validPct: 0.2, seed: 5, bs: 4 });
    expect(dls.vocab).toEqual(['bag', 'sneaker', 'trouser']);
    expect(dls.valid.items.length).toBe(6); // ⌊0.2 · 30⌋
    expect(dls.train.items.length).toBe(24);
    const again = await ImageDataLoaders.fromFolder(root, { validPct: 0.2, seed: 5, bs: 4 });
    expect(again.valid.items).toEqual(dls.valid.items);
    expect((await ImageDataLoaders.fromFolder(root, { validPct: 0.2, seed: 6, bs: 4 })).valid.items).not.toEqual(dls.valid.items);
    dls.valid.items.forEach((f, i) => expect(dls.vocab[dls.valid.labels[i]!]).toBe(parent(f)));
  });
});

describe('splitters and path labels', () => {
  it('GrandparentSplitter puts train/… in training, valid/… in validation, and anything else in neither', () => {
    const items = ['/d/train/cat/1.png', '/d/valid/dog/2.png', '/d/train/dog/3.png', '/d/test/cat/4.png', 'valid/cat/5.png', '6.png'];
    expect(GrandparentSplitter()(items)).toEqual({ train: [0, 2], valid: [1, 4] });
    expect(GrandparentSplitter('test', 'train')(items)).toEqual({ train: [3], valid: [0, 2] });
  });

  it('fromPathFunc gives the function the whole path; fromPathRe matches the whole path', () => {
    const files = ['/data/cats/siamese/a.png', '/data/dogs/beagle/b.png', '/data/cats/bengal/c.png', '/data/dogs/pug/d.png'];
    const seen: string[] = [];
    const byFunc = ImageDataLoaders.fromPathFunc('/data', files, { labelFunc: (p) => (seen.push(p), p.split('/')[2]!), validPct: 0, bs: 1 });
    expect(seen).toEqual(files);
    const labelled = (dl: DataLoader, vocab: string[]) => Object.fromEntries(dl.items.map((f, i) => [f, vocab[dl.labels[i]!]]));
    const want = { [files[0]!]: 'cats', [files[1]!]: 'dogs', [files[2]!]: 'cats', [files[3]!]: 'dogs' };
    expect(byFunc.vocab).toEqual(['cats', 'dogs']);
    expect(labelled(byFunc.train, byFunc.vocab)).toEqual(want);
    const byRe = ImageDataLoaders.fromPathRe('/data', files, /\/data\/(\w+)\//, { validPct: 0, bs: 1 });
    expect(byRe.vocab).toEqual(['cats', 'dogs']);
    expect(labelled(byRe.train, byRe.vocab)).toEqual(want);
    // A pattern on the name alone would not see the folder: fromPathRe names the path that fails.
    expect(() => ImageDataLoaders.fromPathRe('/data', files, /^(cats|dogs)\//, { bs: 1 })).toThrow(/\/data\/cats\/siamese\/a\.png: the pattern .* does not match/);
  });
});

describe("the CLI's data step", () => {
  const args = (folder: string, o: Partial<DataArgs> = {}): DataArgs => ({ folder, label: 'folder', size: 16, bs: 4, validPct: 0.25, seed: 1, skipBad: false, aug: false, decoder: 'auto', ...o });
  const quiet = () => {};

  it('train/ and valid/ folders split the data (GrandparentSplitter); without them, --valid-pct does', async () => {
    const root = mkdtempSync(join(tmpdir(), 'wgslnet-cli-split-'));
    tree(root, 'train', ['bag', 'trouser'], 6);
    tree(root, 'valid', ['bag', 'trouser'], 3, 6);
    const dls = await loadData(args(root), quiet);
    expect(dls.valid.items.length).toBe(6);
    expect(dls.valid.items.every((f) => grandparent(f) === 'valid')).toBe(true);
    expect(dls.train.items.every((f) => grandparent(f) === 'train')).toBe(true);
    // Labelled another way, the folders are not a split: --valid-pct is.
    const byRe = await loadData(args(root, { label: 're:^([a-z]+)_' }), quiet);
    expect(byRe.valid.items.length).toBe(Math.floor(0.25 * 18));
    expect(byRe.vocab).toEqual(['bag', 'trouser']);
  });

  it("--label upper labels by the file name's first letter (Pets' cats)", async () => {
    const root = mkdtempSync(join(tmpdir(), 'wgslnet-cli-upper-'));
    sampleFiles(['bag', 'trouser'], 4).forEach((f, i) => copyFileSync(f, join(root, `${i % 2 ? 'Siamese' : 'beagle'}_${i}.png`)));
    const dls = await loadData(args(root, { label: 'upper', validPct: 0 }), quiet);
    expect(dls.vocab).toEqual(['lower', 'upper']);
    dls.train.items.forEach((f, i) => expect(dls.vocab[dls.train.labels[i]!]).toBe(/\/Siamese_/.test(f) ? 'upper' : 'lower'));
  });

  it("--aug turns on fastai's augTransforms for training batches only", async () => {
    const root = mkdtempSync(join(tmpdir(), 'wgslnet-cli-aug-'));
    tree(root, '.', ['bag', 'trouser'], 8);
    const [plain, aug] = [await loadData(args(root), quiet), await loadData(args(root, { aug: true }), quiet)];
    expect(plain.batchTfms.aug).toBeNull();
    expect(aug.batchTfms.aug).toEqual(augTransforms());
    const first = async (dl: DataLoader) => {
      for await (const b of dl) {
        const v = await b.x.toArray();
        b.x.dispose();
        return { items: b.items, v };
      }
      throw new Error('no batch');
    };
    const [p, a] = [await first(plain.train), await first(aug.train)];
    expect(a.items).toEqual(p.items); // the same images, in the same (seeded) order…
    expect(Array.from(a.v)).not.toEqual(Array.from(p.v)); // …augmented
    expect(Array.from((await first(aug.valid)).v)).toEqual(Array.from((await first(plain.valid)).v)); // validation never is
  });
});
