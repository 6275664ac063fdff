// End to end, as a user does it: a folder of real images → DataLoaders → visionLearner → fineTune
// → error rate far below chance → predictions on files → export and loadLearner giving the same
// predictions → interpretation and the PNG plots. The images are three Fashion-MNIST classes from
// the demo's shipped sample.

import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { decodeImage } from '../src/node/decode.js';
import { ClassificationInterpretation, errorRate, ImageDataLoaders, loadLearner, manualSeed, Resize, resnet18, parseSafetensors, serializeSafetensors, suggestLrs, toFloat32, visionLearner, type VisionLearner } from '../src/node/index.js';
import { labelOf, sampleFiles } from './helpers/fashion.js';
import { setupGpu } from './helpers/gpu.js';
import { expectSameValues } from './helpers/sameValues.js';

beforeAll(setupGpu);

const dir = mkdtempSync(join(tmpdir(), 'wgslnet-e2e-'));
let learn: VisionLearner;
const lines: string[] = [];

it('fineTune on real images reaches an error rate far below chance', async () => {
  manualSeed(42);
  const files = sampleFiles(['trouser', 'bag', 'sneaker'], 60);
  const dls = ImageDataLoaders.fromNameFunc('', files, { validPct: 0.2, seed: 42, labelFunc: labelOf, itemTfms: [Resize(28)], bs: 8 });
  expect(dls.vocab).toEqual(['bag', 'sneaker', 'trouser']);
  learn = visionLearner(dls, resnet18, { metrics: [errorRate], output: { line: (s) => lines.push(s), status: () => {} } });
  await learn.fineTune(2);
  console.log(lines.join('\n'));
  const last = learn.history.values.at(-1)!;
  expect(last.length).toBe(5); // epoch, train_loss, valid_loss, error_rate, seconds
  expect(last[3]).toBeLessThan(0.3); // chance: 0.667
  expect(lines.filter((l) => l.startsWith('epoch')).length).toBe(2);
}, 600_000);

it('predicts files; export → loadLearner predicts the same', async () => {
  const files = learn.dls.valid.items.slice(0, 6) as string[];
  const preds = await learn.predictMany(files);
  const truth = files.map((f) => labelOf(f.split('/').at(-1)!));
  expect(preds.filter((p, i) => p.label === truth[i]).length).toBeGreaterThanOrEqual(4);
  for (const p of preds) {
    expect(p.probs.reduce((a, b) => a + b)).toBeCloseTo(1, 5);
    expect(p.label).toBe(learn.dls.vocab[p.index]);
    expect(p.probs[p.index]).toBe(Math.max(...p.probs));
  }
  // One image as a path, as bytes, and as pixels: the same answer.
  const bytes = readFileSync(files[0]!);
  const asBytes = await learn.predict(new Uint8Array(bytes));
  const asPixels = await learn.predict(decodeImage(bytes, files[0]!));
  expect(Array.from(asBytes.probs)).toEqual(Array.from(preds[0]!.probs));
  expect(Array.from(asPixels.probs)).toEqual(Array.from(preds[0]!.probs));

  await learn.export(join(dir, 'model.safetensors'));
  const loaded = await loadLearner(join(dir, 'model.safetensors'));
  expect(loaded.vocab).toEqual(learn.dls.vocab);
  const again = await loaded.predictMany(files);
  again.forEach((p, i) => {
    expect(p.label).toBe(preds[i]!.label);
    p.probs.forEach((v, k) => expect(v).toBeCloseTo(preds[i]!.probs[k]!, 5));
  });
  loaded.dispose();
}, 300_000);

it('save → load restores weights and every optimizer state tensor exactly; a state for other parameters is named', async () => {
  const path = join(dir, 'ckpt.safetensors');
  await learn.save(path);
  const w = learn.model.head.parameters().at(-1)!;
  const before = await w.toArray();
  const stepBefore = learn.opt.stepCount;
  const stateBefore = await learn.opt.stateDict();
  expect(stateBefore.tensors.get('head.8.weight.exp_avg_sq')!.values.some((v) => v > 0)).toBe(true); // Adam's state is really there
  await learn.fit(1, 1e-2); // moves the weights and the state
  expect(Array.from(await w.toArray())).not.toEqual(Array.from(before));
  await learn.load(path);
  expect(Array.from(await w.toArray())).toEqual(Array.from(before));
  expect(learn.opt.stepCount).toBe(stepBefore);
  const stateAfter = await learn.opt.stateDict();
  expect([...stateAfter.tensors.keys()].sort()).toEqual([...stateBefore.tensors.keys()].sort());
  for (const [k, t] of stateBefore.tensors) expectSameValues(stateAfter.tensors.get(k)!.values, t.values, k);
  // A checkpoint whose optimizer state names a parameter this model does not have.
  const file = parseSafetensors(new Uint8Array(readFileSync(path)), path);
  const entries = [...file.tensors].map(([k, e]) => ({ name: k.replace('optimizer.head.8.weight.', 'optimizer.head.9.weight.'), dtype: 'F32' as const, shape: e.shape, values: toFloat32(e, k, path) }));
  writeFileSync(join(dir, 'other.safetensors'), serializeSafetensors(entries, file.metadata));
  await expect(learn.load(join(dir, 'other.safetensors'))).rejects.toThrow(/optimizer state does not match[\s\S]*head\.9\.weight\.exp_avg: no parameter named head\.9\.weight/);
}, 300_000);

it('interpretation: confusion matrix, most confused, top losses, and the PNG plots', async () => {
  const interp = await ClassificationInterpretation.fromLearner(learn);
  const cm = interp.confusionMatrix();
  expect(cm.flat().reduce((a, b) => a + b)).toBe(learn.dls.valid.items.length);
  const { metrics } = await learn.validate();
  const wrong = cm.flatMap((row, a) => row.filter((_, p) => p !== a)).reduce((a, b) => a + b);
  expect(wrong / learn.dls.valid.items.length).toBeCloseTo(metrics[0]!, 10); // error_rate agrees
  const mc = interp.mostConfused();
  for (let i = 1; i < mc.length; i++) expect(mc[i]![2]).toBeLessThanOrEqual(mc[i - 1]![2]);
  const top = interp.topLosses(4);
  for (let i = 1; i < top.length; i++) expect(top[i]!.loss).toBeLessThanOrEqual(top[i - 1]!.loss);
  expect(top[0]!.prob).toBeCloseTo(Math.exp(-top[0]!.loss), 4);
  for (const [path, make] of [
    [join(dir, 'cm.png'), () => interp.plotConfusionMatrix(join(dir, 'cm.png'))],
    [join(dir, 'top.png'), () => interp.plotTopLosses(4, join(dir, 'top.png'))],
    [join(dir, 'batch.png'), () => learn.dls.showBatch({ path: join(dir, 'batch.png'), maxN: 4 })],
  ] as const) {
    await make();
    const img = decodeImage(readFileSync(path), path);
    expect(img.width).toBeGreaterThan(100);
    expect(new Set(img.data).size).toBeGreaterThan(2); // drawn on, not blank
  }
}, 300_000);

it('lrFind (on a fresh learner, as users run it) suggests learning rates and puts the weights back', async () => {
  learn.dispose();
  manualSeed(7);
  learn = visionLearner(learn.dls, resnet18, { metrics: [errorRate], output: { line: () => {}, status: () => {} } });
  const w = learn.model.body.layers[0]!.parameters()[0]!;
  const before = await w.toArray();
  const historyBefore = learn.history.losses.length;
  const r = await learn.lrFind({ numIt: 20, plot: join(dir, 'lr.png') });
  // fastai's schedule, step i at 1e-7 · (10 / 1e-7)^(i / numIt), and its stop: numIt steps, or the
  // first smoothed loss above 4× the best (or NaN).
  r.lrs.forEach((lr, i) => expect(lr / (1e-7 * (10 / 1e-7) ** (i / 20))).toBeCloseTo(1, 12));
  const stoppedBy = (v: number, best: number) => v > 4 * best || Number.isNaN(v);
  expect(r.losses.slice(0, -1).some((v, i) => stoppedBy(v, Math.min(...r.losses.slice(0, i + 1))))).toBe(false);
  expect(r.lrs.length === 20 || stoppedBy(r.losses.at(-1)!, Math.min(...r.losses))).toBe(true);
  // The suggestions are fastai's (test/lrfind.test.ts checks those against fastai's code) on this curve.
  const { valley, minimum, steep } = suggestLrs(r.lrs, r.losses, 20);
  expect([r.valley, r.minimum, r.steep]).toEqual([valley, minimum, steep]);
  expect(learn.history.losses.length).toBe(historyBefore); // lrFind leaves no steps in the history
  expect(Array.from(await w.toArray())).toEqual(Array.from(before));
  expect(decodeImage(readFileSync(join(dir, 'lr.png')), 'lr.png').width).toBe(560);
  learn.dispose();
}, 300_000);
