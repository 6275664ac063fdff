// The Train tab's last part, once a model exists: the interpretation (confusion matrix, top
// losses, showBatch), predict by dropping an image, the downloads, and loading a saved file to
// continue, at the same size or a new one (progressive resizing).

import type { WorkerClient } from '../rpc.js';
import { download, dropTarget, field, fill, h, numberInput } from '../ui/dom.js';
import type { Download, LoadedReport, PredictionReport, Results, TrainOptions } from './protocol.js';
import { confusionTable, predictionView, showBatchImage, topLosses } from './results.js';

export interface AfterContext {
  worker: WorkerClient;
  say(kind: 'error' | 'info' | 'warn', ...text: (string | Node)[]): void;
  quiet(): void;
  fault(e: unknown, during: string, o?: TrainOptions): void;
  isBusy(): boolean;
  setBusy(b: boolean): void;
  /** The Data and Options forms as TrainOptions when data is loaded, else null. */
  dataOptions(): Promise<TrainOptions | null>;
  /** A loaded checkpoint can continue training with these options. */
  onLoaded(o: TrainOptions): void;
  continueFit(epochs: number, size: number): Promise<void>;
}

export function afterSection(ctx: AfterContext) {
  const { worker, say, quiet, fault } = ctx;
  const resultsNote = h('p', { id: 'results-note', class: 'message info', hidden: true });
  const predictOut = h('div', { id: 'prediction', class: 'prediction' });
  const predictInput = h('input', { id: 'predict-input', type: 'file', accept: 'image/*' });
  const predictDrop = h('div', { id: 'predict-drop', class: 'drop-zone' }, 'Drop an image here to classify it, or ', predictInput);
  const loadInput = h('input', { id: 'load-file', type: 'file', accept: '.safetensors' });
  const continueSize = numberInput('continue-size', 128, { min: 8, max: 1024, step: 8 });
  const continueEpochs = numberInput('continue-epochs', 1, { min: 1, max: 100 });
  const resultsBody = h('div', { id: 'results-body' }, h('p', { class: 'muted' }, 'Train a model, or load a saved one under Continue, to see its confusion matrix, top losses and a batch here.'));
  const loaded = h('p', { id: 'loaded', class: 'muted' });
  const continueButton = h('button', { id: 'continue' }, 'Continue training');

  async function predictFile(f: File): Promise<void> {
    if (ctx.isBusy()) return void fill(predictOut, h('span', { class: 'warn' }, 'The GPU is busy training; drop the image again when the fit ends (or press Stop).'));
    try {
      const bytes = new Uint8Array(await f.arrayBuffer());
      const p = await worker.call<PredictionReport>('predict', { bytes });
      predictionView(predictOut, p, URL.createObjectURL(f), f.name);
    } catch (e) {
      fill(predictOut, h('span', { class: 'error' }, (e as Error).message));
    }
  }

  async function fetchFile(what: Download): Promise<void> {
    try {
      const f = await worker.call<{ name: string; bytes: Uint8Array }>('download', what);
      download(f.bytes, f.name);
    } catch (e) {
      fault(e, 'preparing the download');
    }
  }

  async function showResults(): Promise<void> {
    fill(resultsBody, h('p', { class: 'muted' }, 'Interpreting the validation set…'));
    try {
      const r = await worker.call<Results>('results');
      fill(
        resultsBody,
        h('div', { class: 'results-grid' }, h('div', {}, confusionTable(r)), h('div', {}, h('h3', {}, 'Top losses'), topLosses(r)), h('div', {}, h('h3', {}, 'showBatch'), showBatchImage(r.batchPng))),
      );
    } catch (e) {
      fill(resultsBody, h('p', { class: 'error' }, `Interpretation failed: ${(e as Error).message}`));
    }
  }

  const children = [
    h('h2', {}, '4. Results'),
    resultsNote,
    resultsBody,
    h('h3', {}, 'Predict'),
    predictDrop,
    predictOut,
    h('h3', {}, 'Save'),
    h(
      'div',
      { class: 'row downloads' },
      h('button', { id: 'dl-learner', onclick: () => void fetchFile('learner') }, 'Exported learner'),
      h('small', { class: 'muted' }, 'weights + class names + transforms: loadLearner(), wgslnet predict, PyTorch’s safetensors.load_file'),
    ),
    h('div', { class: 'row downloads' }, h('button', { id: 'dl-body', onclick: () => void fetchFile('body') }, 'Body weights'), h('small', { class: 'muted' }, 'torchvision names: torchvision’s load_state_dict(strict=False), or pretrained= here')),
    h('div', { class: 'row downloads' }, h('button', { id: 'dl-checkpoint', onclick: () => void fetchFile('checkpoint') }, 'Checkpoint'), h('small', { class: 'muted' }, 'weights + optimizer state: load it below (or learn.load) to continue training')),
    h('div', { class: 'row downloads' }, h('button', { id: 'dl-last-epoch', onclick: () => void fetchFile('last-epoch') }, 'Last finished epoch'), h('small', { class: 'muted', id: 'dl-last-epoch-label' }, 'exported learner as of the last finished epoch')),
    h('h3', {}, 'Continue'),
    h('div', { class: 'row' }, field('load a checkpoint or exported learner', loadInput), loaded),
    h('div', { class: 'row' }, field('epochs', continueEpochs), field('at image size', continueSize), continueButton, h('small', { class: 'muted' }, 'a larger size than before is fastai’s progressive resizing')),
  ];
  dropTarget(predictDrop, async (dt) => {
    const f = dt.files[0];
    if (f) await predictFile(f);
  });
  predictInput.addEventListener('change', () => predictInput.files?.[0] && void predictFile(predictInput.files[0]));

  loadInput.addEventListener('change', async () => {
    const f = loadInput.files?.[0];
    if (!f || ctx.isBusy()) return;
    const o = await ctx.dataOptions();
    ctx.setBusy(true);
    try {
      const r = await worker.call<LoadedReport>('load', { bytes: new Uint8Array(await f.arrayBuffer()), name: f.name, opts: o && { ...o, pretrained: null } });
      loaded.textContent = `Loaded ${f.name}: ${r.kind === 'checkpoint' ? 'a checkpoint' : 'an exported learner'} of ${r.arch}${r.vocab ? ` with classes ${r.vocab.join(', ')}` : ''}. ${r.trainable ? 'Continue training below, or predict.' : 'It can predict; load matching data to continue training.'}`;
      quiet();
      if (r.trainable && o) {
        ctx.onLoaded({ ...o, arch: r.arch });
        await showResults();
      }
    } catch (e) {
      fault(e, `loading ${f.name}`);
    } finally {
      ctx.setBusy(false);
    }
  });

  continueButton.addEventListener('click', async () => {
    if (ctx.isBusy()) return;
    const size = Number(continueSize.value);
    const epochs = Number(continueEpochs.value);
    if (!Number.isInteger(size) || size < 8 || !Number.isInteger(epochs) || epochs < 1) return say('error', 'Continue needs a whole number of epochs ≥ 1 and an image size ≥ 8.');
    await ctx.continueFit(epochs, size);
  });

  return {
    children,
    showResults,
    fetchFile,
    /** A note above the results (they belong to an earlier model), or null to clear it. */
    note(text: string | null): void {
      resultsNote.hidden = text === null;
      if (text) fill(resultsNote, text);
    },
  };
}
