// The Learner's mechanics on a few real images: fastai's fine_tune schedule step by step, the
// epoch table, freezing, weight loading, and every bad input the data and learner steps reject.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { rgbImage } from '../src/data/image.js';
import { imageIO, setImageIO } from '../src/data/loader.js';
import type { DataLoader } from '../src/data/dataLoader.js';
import { SmoothLoss, TablePrinter, formatTime, progressBar } from '../src/learner/recorder.js';
import { BatchNorm } from '../src/nn/layers.js';
import { encodePng } from '../src/node/decode.js';
import { errorRate, ImageDataLoaders, LabelSmoothingCrossEntropy, loadLearner, manualSeed, RandomSplitter, resnet18, Resize, visionLearner, type VisionLearner } from '../src/node/index.js';
import { labelOf, sampleFiles } from './helpers/fashion.js';
import { setupGpu } from './helpers/gpu.js';

beforeAll(setupGpu);

const quiet = () => {
  const lines: string[] = [];
  return { lines, output: { line: (s: string) => lines.push(s), status: () => {} } };
};

function tinyLearner(files = sampleFiles(['trouser', 'bag'], 24), bs = 8): { learn: VisionLearner; lines: string[] } {
  manualSeed(0);
  const dls = ImageDataLoaders.fromNameFunc('', files, { validPct: 0.25, seed: 1, labelFunc: labelOf, itemTfms: [Resize(16)], bs });
  const q = quiet();
  return { learn: visionLearner(dls, resnet18, { metrics: [errorRate], output: q.output }), lines: q.lines };
}

describe('splitting and labelling', () => {
  it('RandomSplitter is a seeded permutation: same seed, same split; the first ⌊pct·n⌋ are validation', () => {
    const items = Array.from({ length: 50 }, (_, i) => `f${i}.png`);
    const a = RandomSplitter(0.2, 42)(items);
    expect(a).toEqual(RandomSplitter(0.2, 42)(items));
    expect(a.valid.length).toBe(10);
    expect([...a.train, ...a.valid].sort((x, y) => x - y)).toEqual(items.map((_, i) => i));
    expect(RandomSplitter(0.2, 43)(items).valid).not.toEqual(a.valid);
  });
  it('labels from names, regexes and lists; the vocabulary is sorted', () => {
    const files = ['/d/Abyssinian_1.jpg', '/d/beagle_2.jpg', '/d/Bengal_3.jpg', '/d/yorkshire_terrier_4.jpg', '/d/beagle_5.jpg'];
    const isCat = (name: string) => name[0] === name[0]!.toUpperCase();
    const byFunc = ImageDataLoaders.fromNameFunc('/d', files, { labelFunc: isCat, validPct: 0, bs: 1 });
    expect(byFunc.vocab).toEqual(['false', 'true']);
    expect(Array.from(byFunc.train.labels).sort()).toEqual([0, 0, 0, 1, 1]);
    const byRe = ImageDataLoaders.fromNameRe('/d', files, /^(.+)_\d+\.jpg$/, { validPct: 0, bs: 1 });
    expect(byRe.vocab).toEqual(['Abyssinian', 'Bengal', 'beagle', 'yorkshire_terrier']);
    const byList = ImageDataLoaders.fromLists('/d', files, ['b', 'a', 'c', 'a', 'b'], { validPct: 0.4, seed: 0, bs: 1 });
    expect(byList.vocab).toEqual(['a', 'b', 'c']);
    expect(byList.valid.items.length).toBe(2);
  });
  it('bad labels and splits are named', () => {
    const files = ['/d/a_1.png', '/d/b.png'];
    expect(() => ImageDataLoaders.fromNameRe('/d', files, /^(\w)_\d/, { bs: 1 })).toThrow(/\/d\/b\.png: the pattern .* does not match/);
    expect(() => ImageDataLoaders.fromNameFunc('/d', files, { labelFunc: (n) => (n.startsWith('a') ? 'a' : undefined) as string, bs: 1 })).toThrow(/\/d\/b\.png: labelFunc gave no label/);
    expect(() => ImageDataLoaders.fromLists('/d', [], [], {})).toThrow(/no images/);
    expect(() => ImageDataLoaders.fromLists('/d', files, ['a', 'b'], { bs: 64, validPct: 0 })).toThrow(/make no full batch of 64/);
  });
});

describe('DataLoader', () => {
  const files = sampleFiles(['trouser', 'bag'], 11); // 22 images
  const make = () => ImageDataLoaders.fromNameFunc('', files, { validPct: 0.25, seed: 3, labelFunc: labelOf, bs: 4 });
  const order = async (dl: DataLoader) => {
    const seen: string[][] = [];
    for await (const b of dl) {
      seen.push(b.items);
      expect(b.x.shape).toEqual([b.items.length, 3, 28, 28]);
      b.x.dispose();
    }
    return seen;
  };
  it('train: shuffled anew each epoch (reproducibly), last partial batch dropped; valid: in order, kept', async () => {
    const dls = make();
    const [e1, e2] = [await order(dls.train), await order(dls.train)];
    expect(e1.map((b) => b.length)).toEqual([4, 4, 4, 4]); // 17 training images → 4 full batches
    expect(e1.flat()).not.toEqual(e2.flat());
    expect(await order(make().train)).toEqual(e1); // same seed, same first epoch
    const v = await order(dls.valid);
    expect(v.map((b) => b.length)).toEqual([4, 1]);
    expect(v.flat()).toEqual(dls.valid.items);
  });
  it('starts loading the next batch before handing out the current one', async () => {
    const real = imageIO();
    const events: string[] = [];
    setImageIO({ ...real, load: (jobs) => (events.push('load'), real.load(jobs)) });
    try {
      for await (const b of make().valid) {
        events.push('batch');
        b.x.dispose();
      }
    } finally {
      setImageIO(real);
    }
    expect(events).toEqual(['load', 'load', 'batch', 'batch']);
  });
});

describe('output', () => {
  it("prints fastprogress's console table", () => {
    const lines: string[] = [];
    const t = new TablePrinter(['epoch', 'train_loss', 'valid_loss', 'error_rate', 'time'], (s) => lines.push(s));
    t.header();
    t.row(['0', '0.161614', '0.040670', '0.013532', '01:03']);
    expect(lines).toEqual(['epoch     train_loss  valid_loss  error_rate  time    ', '0         0.161614    0.040670    0.013532    01:03     ']);
  });
  it('formats times as mm:ss and h:mm:ss', () => {
    expect([formatTime(0), formatTime(63.9), formatTime(3599), formatTime(3725)]).toEqual(['00:00', '01:03', '59:59', '1:02:05']);
  });
  it('draws a fastprogress-style bar for terminals', () => {
    expect(progressBar(15, 40, 9, '0.5321')).toBe(`|${'█'.repeat(11)}${' '.repeat(19)}| 37.50% [15/40 00:09<00:15 0.5321]`);
    expect(progressBar(0, 40, 0)).toBe(`|${' '.repeat(30)}| 0.00% [0/40 00:00<00:00]`);
    expect(progressBar(50, 40, 1)).toBe(`|${'█'.repeat(30)}| 100.00% [40/40 00:01<00:00]`); // an overrun count is clamped
  });
  it('smooths the training loss with β = 0.98, debiased', () => {
    const s = new SmoothLoss();
    expect(s.add(1)).toBeCloseTo(1, 12);
    expect(s.add(2)).toBeCloseTo((0.98 * 0.02 + 0.02 * 2) / (1 - 0.98 ** 2), 12);
  });
});

describe('fineTune', () => {
  it("follows fastai's learning-rate and momentum schedule step by step, and prints two tables", async () => {
    const { learn, lines } = tinyLearner();
    const n = learn.dls.train.length;
    expect(n).toBe(4); // 36 training images, batches of 8, last partial batch dropped
    await learn.fineTune(1);
    // fastai, written out: cosine segment s + (1 + cos(π(1 − p)))·(e − s)/2
    const seg = (s: number, e: number, p: number) => s + ((1 + Math.cos(Math.PI * (1 - p))) * (e - s)) / 2;
    const cycle = (pos: number, max: number, div: number, pct: number) =>
      pos < pct ? { lr: seg(max / div, max, pos / pct), mom: seg(0.95, 0.85, pos / pct) } : { lr: seg(max, max / 1e5, (pos - pct) / (1 - pct)), mom: seg(0.85, 0.95, (pos - pct) / (1 - pct)) };
    const expected: { lrs: number[]; mom: number }[] = [];
    for (let i = 0; i < n; i++) { // frozen: slice(2e-3) = [2e-4, 2e-4, 2e-3], div 25, pct_start 0.99
      const c = [2e-4, 2e-4, 2e-3].map((m) => cycle(i / n, m, 25, 0.99));
      expected.push({ lrs: c.map((x) => x.lr), mom: c[0]!.mom });
    }
    for (let i = 0; i < n; i++) { // unfrozen: slice(1e-3/100, 1e-3) = [1e-5, 1e-4, 1e-3], div 5, pct_start 0.3
      const c = [1e-5, 1e-4, 1e-3].map((m) => cycle(i / n, m, 5, 0.3));
      expected.push({ lrs: c.map((x) => x.lr), mom: c[0]!.mom });
    }
    expect(learn.history.hypers.length).toBe(2 * n);
    learn.history.hypers.forEach((h, i) => {
      h.lrs.forEach((lr, g) => expect(lr).toBeCloseTo(expected[i]!.lrs[g]!, 12));
      expect(h.mom).toBeCloseTo(expected[i]!.mom, 12);
    });
    const tables = lines.filter((l) => l.startsWith('epoch'));
    expect(tables).toEqual(['epoch     train_loss  valid_loss  error_rate  time    ', 'epoch     train_loss  valid_loss  error_rate  time    ']);
    const rows = lines.filter((l) => /^0 /.test(l));
    expect(rows.length).toBe(2);
    for (const r of rows) expect(r).toMatch(/^0 {9}\d+\.\d{6} {4}\d+\.\d{6} {4}\d\.\d{6} {4}\d\d:\d\d {5}$/);
    // The wait for batches, per epoch of the latest fit: some (the first batch), never the whole epoch.
    expect(learn.history.dataWait.length).toBe(1);
    expect(learn.history.dataWait[0]).toBeGreaterThan(0);
    expect(learn.history.dataWait[0]).toBeLessThan(learn.history.values[0]!.at(-1)!);
    learn.dispose();
  }, 300_000);

  it('freeze trains only the head and every BatchNorm; unfreeze trains everything', async () => {
    const { learn } = tinyLearner();
    learn.freeze();
    const bn = new Set(learn.model.namedModules().flatMap(([, m]) => (m instanceof BatchNorm ? [m.weight, m.bias] : [])));
    const conv = learn.model.body.conv1.weight;
    const stemBn = learn.model.body.bn1.weight;
    const headW = learn.model.head.parameters().at(-1)!;
    expect(conv.requiresGrad).toBe(false);
    for (const p of learn.model.body.parameters()) expect(p.requiresGrad).toBe(bn.has(p));
    for (const p of learn.model.head.parameters()) expect(p.requiresGrad).toBe(true);
    const before = await Promise.all([conv, stemBn, headW].map((t) => t.toArray()));
    for await (const b of learn.dls.train) {
      await learn.trainStep(b.x, b.y, { lrs: [1e-2, 1e-2, 1e-2], mom: 0.9 });
      b.x.dispose();
      break;
    }
    const after = await Promise.all([conv, stemBn, headW].map((t) => t.toArray()));
    expect(Array.from(after[0]!)).toEqual(Array.from(before[0]!)); // frozen conv: untouched
    expect(Array.from(after[1]!)).not.toEqual(Array.from(before[1]!)); // BN in a frozen group: trained
    expect(Array.from(after[2]!)).not.toEqual(Array.from(before[2]!)); // head: trained
    learn.unfreeze();
    for (const p of learn.model.parameters()) expect(p.requiresGrad).toBe(true);
    learn.dispose();
  }, 120_000);
});

describe('loss function', () => {
  it("fastai's LabelSmoothingCrossEntropy trains and validates the learner (valid_loss is that loss)", async () => {
    manualSeed(0);
    const dls = ImageDataLoaders.fromNameFunc('', sampleFiles(['trouser', 'bag'], 12), { validPct: 0.25, seed: 1, labelFunc: labelOf, itemTfms: [Resize(16)], bs: 6 });
    const q = quiet();
    const learn = visionLearner(dls, resnet18, { lossFunc: LabelSmoothingCrossEntropy({ eps: 0.2 }), output: q.output });
    await learn.fit(1, 1e-3);
    const { loss } = await learn.validate();
    // The same loss from the logits on the CPU: (1 − ε)·nll + ε·mean over classes of −log p, averaged over items.
    let total = 0;
    let n = 0;
    for await (const { logits, y } of learn.evaluate(dls.valid)) {
      y.forEach((t, i) => {
        const row = Array.from(logits.subarray(i * 2, i * 2 + 2));
        const lse = Math.max(...row) + Math.log(row.reduce((a, v) => a + Math.exp(v - Math.max(...row)), 0));
        total += 0.8 * (lse - row[t]!) + 0.2 * (lse - (row[0]! + row[1]!) / 2);
        n++;
      });
    }
    expect(loss).toBeCloseTo(total / n, 4);
    expect(learn.history.values[0]![2]).toBeCloseTo(total / n, 4); // the table's valid_loss
    learn.dispose();
  }, 120_000);
});

describe('weights and bad input', () => {
  it('pretrained: torchvision-named weights load into the body (fc ignored); normalisation switches to ImageNet', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wgslnet-pre-'));
    manualSeed(5);
    const tv = resnet18();
    await tv.saveSafetensors(join(dir, 'resnet18.safetensors'));
    const { learn: plain } = tinyLearner();
    const q = quiet();
    const learn = visionLearner(plain.dls, resnet18, { pretrained: join(dir, 'resnet18.safetensors'), output: q.output });
    await learn.waitReady();
    expect(Array.from(await learn.model.body.layers[3]!.parameters()[0]!.toArray())).toEqual(Array.from(await tv.layers[3]!.parameters()[0]!.toArray()));
    expect(learn.dls.batchTfms.normalize?.mean).toEqual([0.485, 0.456, 0.406]);
    expect(learn.model.body.conv1.weight.requiresGrad).toBe(false); // pretrained models start frozen
    const wrong = visionLearner(plain.dls, 'resnet34', { pretrained: join(dir, 'resnet18.safetensors'), output: q.output });
    await expect(wrong.fit(1)).rejects.toThrow(/resnet18\.safetensors: not resnet34 weights; missing \d+ keys/);
    for (const l of [tv, plain, learn, wrong]) l.dispose();
  }, 120_000);

  it('one class, mixed sizes without Resize, a corrupt file in training, a non-learner file: each named', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wgslnet-bad-'));
    const write = (name: string, w: number, h: number) => writeFileSync(join(dir, name), encodePng(rgbImage(w, h)));
    write('a_1.png', 8, 8);
    write('b_2.png', 8, 8);
    write('a_3.png', 9, 8);
    writeFileSync(join(dir, 'b_4.png'), 'truncated');
    const files = (names: string[]) => names.map((n) => join(dir, n));
    const label = (n: string) => n[0]!;
    const q = quiet();
    const one = ImageDataLoaders.fromNameFunc(dir, files(['a_1.png', 'a_3.png']), { labelFunc: label, validPct: 0, bs: 1 });
    expect(() => visionLearner(one, resnet18, { output: q.output })).toThrow(/1 class \(a\); classification needs at least 2/);
    const mixed = ImageDataLoaders.fromNameFunc(dir, files(['a_1.png', 'b_2.png', 'a_3.png']), { labelFunc: label, validPct: 0, bs: 3 });
    const l1 = visionLearner(mixed, resnet18, { output: q.output });
    await expect(l1.fit(1)).rejects.toThrow(/a_3\.png is 9×8 but .* is 8×8; add an item transform such as Resize/);
    const corrupt = ImageDataLoaders.fromNameFunc(dir, files(['a_1.png', 'b_2.png', 'b_4.png']), { labelFunc: label, validPct: 0, bs: 3, itemTfms: [Resize(8)] });
    const l2 = visionLearner(corrupt, resnet18, { output: q.output });
    await expect(l2.fit(1)).rejects.toThrow(/b_4\.png: not a PNG or JPEG file/);
    await l2.save(join(dir, 'ckpt.safetensors'));
    await expect(loadLearner(join(dir, 'ckpt.safetensors'))).rejects.toThrow(/ckpt\.safetensors: not an exported learner/);
    const l3 = visionLearner(corrupt, 'resnet34', { output: q.output });
    await expect(l3.load(join(dir, 'ckpt.safetensors'))).rejects.toThrow(/ckpt\.safetensors:[\s\S]*missing keys: .*layer1\.2/);
    for (const l of [l1, l2, l3]) l.dispose();
  }, 120_000);
});

describe('progressive resizing', () => {
  it('swaps in DataLoaders of a larger size and keeps training the same learner', async () => {
    const { learn, lines } = tinyLearner(sampleFiles(['trouser', 'bag'], 12), 8);
    await learn.fit(1, 1e-3);
    const w = await learn.model.head.parameters().at(-1)!.toArray();
    learn.dls = learn.dls.withTransforms({ itemTfms: [Resize(24)] });
    for await (const b of learn.dls.train) {
      expect(b.x.shape).toEqual([8, 3, 24, 24]);
      b.x.dispose();
      break;
    }
    await learn.fit(1, 1e-3);
    expect(Array.from(await learn.model.head.parameters().at(-1)!.toArray())).not.toEqual(Array.from(w)); // the same weights trained on
    expect(lines.filter((l) => l.startsWith('epoch')).length).toBe(2);
    learn.dispose();
  }, 120_000);
});
