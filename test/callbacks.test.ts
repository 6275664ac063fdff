// fastai's callbacks on a real (tiny) vision learner: the order of the events (with each loss read
// one step late), the cancel exceptions, learn.stop(), the trackers (SaveModelCallback,
// EarlyStoppingCallback, ReduceLROnPlateau), CSVLogger, ParamScheduler and the loss plot.

import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../src/node/decode.js';
import {
  Callback,
  CancelBatch,
  CancelFit,
  CancelTrain,
  CSVLogger,
  EarlyStoppingCallback,
  ImageDataLoaders,
  manualSeed,
  ParamScheduler,
  ReduceLROnPlateau,
  Resize,
  resnet18,
  SaveModelCallback,
  visionLearner,
  type Learner,
  type Metric,
  type VisionLearner,
} from '../src/node/index.js';
import { labelOf, sampleFiles } from './helpers/fashion.js';
import { setupGpu } from './helpers/gpu.js';

beforeAll(setupGpu);

/** 24 training images (3 batches of 8) and 8 validation images (1 batch), 16 px. */
function tiny(metrics: Metric[] = []): { learn: VisionLearner; lines: string[] } {
  manualSeed(0);
  const dls = ImageDataLoaders.fromNameFunc('', sampleFiles(['trouser', 'bag'], 16), { validPct: 0.25, seed: 1, labelFunc: labelOf, itemTfms: [Resize(16)], bs: 8 });
  const lines: string[] = [];
  return { learn: visionLearner(dls, resnet18, { metrics, output: { line: (s) => lines.push(s), status: () => {} } }), lines };
}

/** A metric that reports values[epoch], to drive the trackers through a known sequence. */
function scripted(values: number[]): { metric: Metric; bind: (l: Learner) => void } {
  let learn: Learner | null = null;
  return { metric: { name: 'scripted', fn: () => values[learn!.epoch]! }, bind: (l) => (learn = l) };
}

/** Logs every event it sees as "event" or "event:iter" for batch events. */
class EventLog extends Callback {
  readonly log: string[] = [];
  constructor() {
    super();
    for (const e of ['beforeFit', 'beforeEpoch', 'beforeTrain', 'afterTrain', 'beforeValidate', 'afterValidate', 'afterEpoch', 'afterFit', 'afterCancelFit', 'afterCancelTrain', 'afterCancelBatch'] as const) {
      this[e] = () => void this.log.push(e);
    }
    for (const e of ['beforeBatch', 'afterPred', 'afterLoss', 'beforeBackward', 'afterBackward', 'beforeStep', 'afterStep', 'afterBatch'] as const) {
      this[e] = (l: Learner) => void this.log.push(`${e}:${l.training ? '' : 'v'}${l.iter}`);
    }
  }
}

describe('events', () => {
  it("fire in fastai's order, each batch's afterBatch after the next batch is queued, with that batch's loss", async () => {
    const { learn } = tiny();
    const events = new EventLog();
    const seen: { iter: number; trainIter: number; loss: number }[] = [];
    await learn.fit(1, 1e-3, { cbs: [events, { order: 99, afterBatch: (l) => void (l.training && seen.push({ iter: l.iter, trainIter: l.trainIter, loss: l.loss })) }] });
    const step = (i: number) => ['beforeBatch', 'afterPred', 'afterLoss', 'beforeBackward', 'afterBackward', 'beforeStep', 'afterStep'].map((e) => `${e}:${i}`);
    expect(events.log).toEqual([
      'beforeFit', 'beforeEpoch', 'beforeTrain',
      ...step(0), ...step(1), 'afterBatch:0', ...step(2), 'afterBatch:1', 'afterBatch:2',
      'afterTrain', 'beforeValidate',
      'beforeBatch:v0', 'afterPred:v0', 'afterLoss:v0', 'afterBatch:v0',
      'afterValidate', 'afterEpoch', 'afterFit',
    ]);
    // afterBatch k sees batch k's state again: its index, its step count and its own loss.
    expect(seen.map((s) => [s.iter, s.trainIter])).toEqual([[0, 1], [1, 2], [2, 3]]);
    expect(seen.map((s) => s.loss)).toEqual(learn.history.losses);
    for (const s of seen) expect(s.loss).toBeGreaterThan(0);
    expect(learn.history.hypers.length).toBe(3);
    expect(learn.history.values.length).toBe(1);
    learn.dispose();
  }, 120_000);

  it('CancelBatch skips a step (afterCancelBatch, afterBatch); CancelTrain skips to validation; CancelFit ends the fit', async () => {
    const { learn } = tiny();
    const events = new EventLog();
    const before = await learn.model.head.parameters().at(-1)!.toArray();
    // Batch 1 is cancelled before its step; training stops at batch 2; the fit ends after epoch 0's validation.
    const canceller = {
      beforeBatch: (l: Learner) => {
        if (l.training && l.iter === 1) throw new CancelBatch();
        if (l.training && l.iter === 2) throw new CancelTrain();
      },
      afterEpoch: () => {
        throw new CancelFit();
      },
    };
    await learn.fit(3, 1e-2, { cbs: [events, canceller] });
    expect(events.log.filter((e) => /^(beforeStep|afterCancel|afterBatch:\d)/.test(e))).toEqual(['beforeStep:0', 'afterBatch:0', 'afterCancelBatch', 'afterBatch:1', 'afterCancelTrain', 'afterCancelFit']);
    expect(events.log.slice(-2)).toEqual(['afterCancelFit', 'afterFit']);
    expect(events.log.filter((e) => e === 'beforeEpoch').length).toBe(1);
    expect(learn.history.losses.length).toBe(1); // only batch 0 stepped
    expect(learn.history.hypers.length).toBe(1);
    expect(Array.from(await learn.model.head.parameters().at(-1)!.toArray())).not.toEqual(Array.from(before));
    learn.dispose();
  }, 120_000);

  it('learn.stop() ends the fit at the end of the current step, which is still recorded', async () => {
    const { learn } = tiny();
    const events = new EventLog();
    // As a Stop button pressed while batch 1 is being prepared.
    await learn.fit(2, 1e-3, { cbs: [events, { beforeBatch: (l) => void (l.training && l.iter === 1 && l.stop()) }] });
    expect(events.log.filter((e) => e.startsWith('afterBatch') || e.startsWith('afterCancel') || e === 'afterFit')).toEqual(['afterBatch:0', 'afterBatch:1', 'afterCancelFit', 'afterFit']);
    expect(learn.history.losses.length).toBe(2);
    expect(learn.stopRequested).toBe(false); // a later fit runs normally
    await learn.fit(1, 1e-3);
    expect(learn.history.losses.length).toBe(5);
    learn.dispose();
  }, 120_000);

  it('an in-step handler that returns a Promise is refused, naming it', async () => {
    const { learn } = tiny();
    await expect(learn.fit(1, 1e-3, { cbs: [{ name: 'Slow', afterLoss: async () => {} }] })).rejects.toThrow(/Slow\.afterLoss returned a Promise; it runs inside the step's tidy\(\)/);
    learn.dispose();
  }, 120_000);
});

describe('trackers, logger, scheduler, plot', () => {
  it('SaveModelCallback saves the best epoch (atomically) and loads it back; ReduceLROnPlateau divides the lr; CSVLogger writes every row', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wgslnet-cbs-'));
    const s = scripted([0.5, 0.2, 0.4]); // best at epoch 1, then no improvement
    const { learn, lines } = tiny([s.metric]);
    s.bind(learn);
    const w = learn.model.head.parameters().at(-1)!;
    const atEpoch: Float32Array[] = [];
    const snapshot = { order: 70, afterEpoch: async () => void atEpoch.push(await w.toArray()) };
    const fname = join(dir, 'best.safetensors');
    const csv = new CSVLogger(join(dir, 'history.csv'));
    await learn.fit(3, 1e-2, { cbs: [new SaveModelCallback({ monitor: 'scripted', comp: 'less', fname }), new ReduceLROnPlateau({ monitor: 'scripted', comp: 'less', patience: 1, factor: 10 }), csv, snapshot] });
    expect(lines.filter((l) => l.startsWith('Better model'))).toEqual(['Better model found at epoch 0 with scripted value: 0.5.', 'Better model found at epoch 1 with scripted value: 0.2.']);
    expect(lines).toContain('Epoch 2: reducing lr to 0.001');
    // After the fit, the weights are epoch 1's (the best), not epoch 2's.
    expect(Array.from(await w.toArray())).toEqual(Array.from(atEpoch[1]!));
    expect(Array.from(atEpoch[2]!)).not.toEqual(Array.from(atEpoch[1]!));
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    // ReduceLROnPlateau acts after epoch 2's validation, so every step ran at 1e-2; the next fit's step would not.
    expect(learn.hypers().lrs).toEqual([1e-3, 1e-3, 1e-3]);
    const rows = readFileSync(join(dir, 'history.csv'), 'utf8').trim().split('\n');
    expect(rows[0]).toBe('epoch,train_loss,valid_loss,scripted,time');
    expect(rows.slice(1).map((r) => r.split(',').slice(0, 4).map(Number))).toEqual(learn.history.values.map((v) => v.slice(0, 4)));
    expect(rows[3]).toMatch(/,0\.4,\d\d:\d\d$/);
    learn.dispose();
  }, 300_000);

  it('EarlyStoppingCallback stops after `patience` epochs without improvement', async () => {
    const s = scripted([0.5, 0.6, 0.7, 0.1]);
    const { learn, lines } = tiny([s.metric]);
    s.bind(learn);
    await learn.fit(4, 1e-3, { cbs: [new EarlyStoppingCallback({ monitor: 'scripted', comp: 'less', patience: 2 })] });
    expect(learn.history.values.length).toBe(3);
    expect(lines).toContain('No improvement since epoch 0: early stopping');
    await expect(learn.fit(1, 1e-3, { cbs: [new EarlyStoppingCallback({ monitor: 'accuracy' })] })).rejects.toThrow(/cannot monitor 'accuracy'; the table's columns are train_loss, valid_loss, scripted/);
    learn.dispose();
  }, 300_000);

  it('ParamScheduler sets the hypers from pctTrain before each step; plotLoss writes a PNG', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wgslnet-plot-'));
    const { learn } = tiny();
    await learn.fit(2, 1e-3, { cbs: [new ParamScheduler({ lrs: (pos) => [pos, 2 * pos, 3 * pos].map((v) => v / 100), mom: (pos) => 0.9 - pos / 10 })] });
    learn.history.hypers.forEach((h, i) => {
      const pos = i / 6;
      h.lrs.forEach((lr, g) => expect(lr).toBeCloseTo(((g + 1) * pos) / 100, 12));
      expect(h.mom).toBeCloseTo(0.9 - pos / 10, 12);
    });
    await learn.recorder.plotLoss(join(dir, 'loss.png'), { skipStart: 1 });
    const img = decodeImage(readFileSync(join(dir, 'loss.png')), 'loss.png');
    expect([img.width, img.height]).toEqual([560, 360]);
    expect(new Set(img.data).size).toBeGreaterThan(4); // axes, text, the two series
    expect(existsSync(join(dir, 'loss.png'))).toBe(true);
    learn.dispose();
  }, 300_000);
});
