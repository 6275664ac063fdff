// The Train tab: data (folder, drop, or the sample; label rule; split), options (with the LR
// finder), the live fit (table, bar, chart, Stop), and what comes after (interpretation, predict,
// downloads, load and continue). All GPU work happens in the training worker.

import { FaultError, WorkerClient } from '../rpc.js';
import { oomAdvice } from '../faults.js';
import { byId, count, dropTarget, field, fill, h, numberInput, select } from '../ui/dom.js';
import { lineChart } from '../ui/lineChart.js';
import { fromDrop, fromInput, fromSample, type Picked } from './picker.js';
import { FitView } from './progress.js';
import type { DataReport, FitEnd, FitStart, LabelReport, LabelRule, LrFound, RowEvent, StepEvent, TrainOptions } from './protocol.js';
import { afterSection } from './after.js';

const ARCHS = ['resnet18', 'resnet34', 'resnet50', 'resnet101', 'resnet152'];
const SAMPLE_RULE = '^(.+)_\\d+\\.png$';

export function trainTab(panel: HTMLElement, worker: WorkerClient): void {
  const ui = {
    folder: h('input', { id: 'folder-input', type: 'file', webkitdirectory: true, multiple: true, hidden: true }),
    drop: h('div', { id: 'drop-zone', class: 'drop-zone' }, 'Drop a folder of images here'),
    sampleSize: select('sample-size', [['250x10', '2,500 images, 10 classes'], ['50x10', '500 images, 10 classes'], ['20x3', '60 images, 3 classes (a quick run)']], '50x10'),
    dataStatus: h('div', { id: 'data-status', class: 'status' }, 'No images yet.'),
    classes: h('div', { id: 'classes', class: 'chips' }),
    ruleRegex: h('input', { id: 'rule-pattern', type: 'text', value: SAMPLE_RULE, size: 24, spellcheck: false }),
    validPct: numberInput('valid-pct', 20, { min: 0, max: 90 }),
    seed: numberInput('seed', 42, { min: 0 }),
    arch: select('arch', ARCHS.map((a) => [a, a]), 'resnet18'),
    size: numberInput('size', 64, { min: 8, max: 512, step: 8 }),
    bs: numberInput('bs', 32, { min: 1, max: 512 }),
    epochs: numberInput('epochs', 1, { min: 1, max: 100 }),
    lr: h('input', { id: 'lr', type: 'text', value: '2e-3', size: 8 }),
    method: select('method', [['fineTune', 'fineTune (frozen epoch, then unfrozen)'], ['fitOneCycle', 'fitOneCycle']], 'fineTune'),
    aug: h('input', { id: 'aug', type: 'checkbox' }),
    pretrained: h('input', { id: 'pretrained', type: 'file', accept: '.safetensors' }),
    lrFind: h('button', { id: 'lr-find' }, 'Find a learning rate'),
    lrSteps: numberInput('lr-steps', 100, { min: 10, max: 1000 }),
    lrPlot: h('div', { id: 'lr-plot' }),
    train: h('button', { id: 'train', class: 'primary' }, 'Train'),
    stop: h('button', { id: 'stop', disabled: true }, 'Stop'),
    message: h('div', { id: 'train-message', class: 'message', hidden: true }),
    notices: h('div', { id: 'notices', class: 'muted' }),
    results: h('section', { id: 'results' }),
  };
  const fit = new FitView();
  const rule = (kind: string) => h('input', { type: 'radio', name: 'rule', value: kind, id: `rule-${kind}`, checked: kind === 'folder' });
  const rules = { folder: rule('folder'), regex: rule('regex'), pets: rule('pets') };
  let picked: Picked | null = null;
  let dataReady = false;
  let busy = false;
  let lastEpochSaved = 0;
  let trainedOpts: TrainOptions | null = null;
  /** Where the current model's training data came from. */
  let trainedOn: string | null = null;

  fill(
    panel,
    h(
      'section',
      { id: 'data' },
      h('h2', {}, '1. Data'),
      h(
        'div',
        { class: 'row' },
        h('button', { id: 'pick-folder', onclick: () => ui.folder.click() }, 'Choose a folder…'),
        ui.folder,
        ui.drop,
        h('span', { class: 'or' }, 'or'),
        ui.sampleSize,
        h('button', { id: 'use-sample', onclick: () => void useSample() }, 'Use the Fashion-MNIST sample'),
      ),
      h(
        'fieldset',
        { class: 'row' },
        h('legend', {}, 'Labels'),
        h('label', {}, rules.folder, ' parent folder'),
        h('label', {}, rules.regex, ' regex on the file name (first group): ', ui.ruleRegex),
        h('label', {}, rules.pets, ' Pets rule (capitalised first letter = cat)'),
      ),
      h('div', { class: 'row' }, field('validation %', ui.validPct), field('seed', ui.seed)),
      ui.dataStatus,
      ui.classes,
    ),
    h(
      'section',
      { id: 'options' },
      h('h2', {}, '2. Options'),
      h('div', { class: 'row' }, field('architecture', ui.arch), field('image size', ui.size), field('batch size', ui.bs), field('epochs', ui.epochs), field('learning rate', ui.lr), field('LR finder steps', ui.lrSteps), ui.lrFind),
      h('div', { class: 'row' }, field('schedule', ui.method), h('label', {}, ui.aug, ' augmentation (flip, rotate, zoom, warp, lighting)'), field('pretrained weights (optional, torchvision safetensors)', ui.pretrained)),
      ui.lrPlot,
    ),
    h('section', { id: 'training' }, h('h2', {}, '3. Train'), h('div', { class: 'row' }, ui.train, ui.stop), ui.message, ui.notices, fit.el),
    ui.results,
  );

  // ——— messages ———
  const say = (kind: 'error' | 'info' | 'warn', ...text: (string | Node)[]) => {
    ui.message.hidden = false;
    ui.message.className = `message ${kind}`;
    fill(ui.message, ...text);
  };
  const quiet = () => {
    ui.message.hidden = true;
  };
  const setBusy = (b: boolean, training = false) => {
    busy = b;
    for (const el of [ui.train, ui.lrFind, byId('use-sample'), byId('pick-folder')] as HTMLButtonElement[]) el.disabled = b;
    ui.stop.disabled = !training;
    // One GPU job at a time in the worker: nothing in Results runs while a fit or a check does.
    panel.querySelectorAll<HTMLButtonElement | HTMLInputElement>('#results button, #results input').forEach((x) => (x.disabled = b));
  };
  /** A failure in words: out of memory suggests a smaller setting; a lost device offers the last epoch's weights. */
  const fault = (e: unknown, during: string, o?: TrainOptions) => {
    const f = e instanceof FaultError ? e.fault : { kind: 'other' as const, message: String((e as Error)?.message ?? e) };
    if (f.kind === 'oom' && o) return say('error', oomAdvice(o), h('br'), h('small', { class: 'muted' }, f.message));
    if (f.kind === 'device-lost') {
      const dl = h('button', { id: 'dl-after-loss', onclick: () => void after.fetchFile('last-epoch') }, `Download the weights after epoch ${lastEpochSaved}`);
      return say('error', `The GPU device was lost while ${during} (the driver reset, or the browser reclaimed the GPU). Reload the page to train again. `, lastEpochSaved ? dl : 'No epoch had finished, so there are no weights to save.', h('br'), h('small', { class: 'muted' }, f.message));
    }
    say('error', `${during[0]!.toUpperCase()}${during.slice(1)} failed: ${f.message}`);
  };

  // ——— data ———
  const currentRule = (): LabelRule => (rules.regex.checked ? { kind: 'regex', pattern: ui.ruleRegex.value } : rules.pets.checked ? { kind: 'pets' } : { kind: 'folder' });

  async function usePicked(p: Picked): Promise<void> {
    if (trainedOpts && trainedOn) after.note(`These results, predictions and downloads are from the model trained on ${trainedOn}; train again to use the new data.`);
    picked = p;
    dataReady = false;
    fill(ui.classes);
    fill(ui.dataStatus, `Checking ${count(p.items.length)} images from ${p.source}…`);
    if (!p.items.length) {
      fill(ui.dataStatus, h('span', { class: 'error' }, `No images in ${p.source}: it has ${p.notImages.length ? `${count(p.notImages.length)} files, none of them images (.png, .jpg, .jpeg, .gif, .webp, .bmp)` : 'no files'}.`));
      return;
    }
    setBusy(true);
    try {
      const r = await worker.call<DataReport>('data', p.items);
      showData(p, r);
      await relabel();
    } catch (e) {
      fill(ui.dataStatus, h('span', { class: 'error' }, (e as Error).message));
    } finally {
      setBusy(false);
    }
  }

  function showData(p: Picked, r: DataReport): void {
    const skipped = p.notImages.length + r.bad.length;
    const list = h(
      'ul',
      { id: 'skipped' },
      ...r.bad.map((b) => h('li', {}, h('code', {}, b.name), ` — corrupt or unreadable: ${b.error}`)),
      ...p.notImages.map((n) => h('li', {}, h('code', {}, n), ' — not an image')),
    );
    fill(
      ui.dataStatus,
      h('p', {}, `${count(r.good)} images from ${p.source}.`, skipped ? h('span', { id: 'skipped-count', class: 'warn' }, ` Skipped ${count(skipped)} file${skipped > 1 ? 's' : ''}: ${count(r.bad.length)} corrupt, ${count(p.notImages.length)} not ${p.notImages.length === 1 ? 'an image' : 'images'}.`) : ''),
      skipped ? h('details', { open: skipped <= 10 }, h('summary', {}, 'skipped files'), list) : '',
    );
  }

  async function relabel(): Promise<void> {
    if (!picked) return;
    try {
      const r = await worker.call<LabelReport>('labels', currentRule());
      fill(ui.classes, h('span', { class: 'muted' }, `${r.counts.length} classes: `), ...r.counts.map(([c, n]) => h('span', { class: 'chip' }, `${c} `, h('b', {}, count(n)))));
      dataReady = true;
      quiet();
    } catch (e) {
      dataReady = false;
      fill(ui.classes, h('span', { id: 'label-error', class: 'error' }, (e as Error).message));
    }
  }

  async function useSample(): Promise<void> {
    const [perClass, classes] = ui.sampleSize.value.split('x').map(Number) as [number, number];
    rules.regex.checked = true;
    ui.ruleRegex.value = SAMPLE_RULE;
    try {
      await usePicked(await fromSample(perClass, classes));
    } catch (e) {
      fill(ui.dataStatus, h('span', { class: 'error' }, (e as Error).message));
    }
  }

  ui.folder.addEventListener('change', () => ui.folder.files && void usePicked(fromInput(ui.folder.files)));
  for (const r of Object.values(rules)) r.addEventListener('change', () => void relabel());
  ui.ruleRegex.addEventListener('change', () => {
    rules.regex.checked = true;
    void relabel();
  });
  dropTarget(ui.drop, async (dt) => void usePicked(await fromDrop(dt)));

  // ——— options ———
  async function readOptions(): Promise<TrainOptions | null> {
    const n = (el: HTMLInputElement, name: string, lo: number, hi: number) => {
      const v = Number(el.value);
      if (!Number.isInteger(v) || v < lo || v > hi) throw new Error(`${name} must be a whole number from ${lo} to ${hi}, got '${el.value}'`);
      return v;
    };
    try {
      if (!picked || !dataReady) throw new Error('Choose a folder of images (or the sample) first, with a label rule that gives at least 2 classes.');
      const lr = Number(ui.lr.value);
      if (!(lr > 0 && lr < 10)) throw new Error(`the learning rate must be a number between 0 and 10, got '${ui.lr.value}'`);
      const file = ui.pretrained.files?.[0];
      return {
        rule: currentRule(),
        validPct: n(ui.validPct, 'validation %', 0, 90) / 100,
        seed: n(ui.seed, 'seed', 0, 2 ** 31),
        arch: ui.arch.value,
        size: n(ui.size, 'image size', 8, 1024),
        bs: n(ui.bs, 'batch size', 1, 4096),
        epochs: n(ui.epochs, 'epochs', 1, 1000),
        lr,
        method: ui.method.value as TrainOptions['method'],
        aug: ui.aug.checked,
        pretrained: file ? new Uint8Array(await file.arrayBuffer()) : null,
      };
    } catch (e) {
      say('error', (e as Error).message);
      return null;
    }
  }

  ui.lrFind.addEventListener('click', async () => {
    const o = await readOptions();
    if (!o || busy) return;
    const numIt = Number(ui.lrSteps.value);
    if (!Number.isInteger(numIt) || numIt < 10) return say('error', `LR finder steps must be a whole number ≥ 10, got '${ui.lrSteps.value}'`);
    setBusy(true);
    say('info', `Finding a learning rate: ${numIt} steps with a learning rate growing from 1e-7 to 10 (stopping early once the loss explodes); the weights are put back afterwards…`);
    fill(ui.lrPlot);
    try {
      const r = await worker.call<LrFound>('lrFind', { opts: o, numIt }, o.pretrained ? [o.pretrained.buffer] : []);
      const use = h('button', { id: 'use-valley', onclick: () => (ui.lr.value = r.valley.toExponential(1)) }, `use valley ${r.valley.toExponential(1)}`);
      fill(
        ui.lrPlot,
        lineChart([{ name: 'smoothed loss', points: r.lrs.map((lr, i) => [lr, r.losses[i]!] as [number, number]), color: '#1f77b4' }], {
          xLabel: 'learning rate (log scale)',
          yLabel: 'loss',
          logX: true,
          marks: [{ x: r.valley, label: 'valley', color: '#d62728' }],
        }),
        h('p', {}, `Suggestions: valley ${r.valley.toExponential(2)}, minimum ${r.minimum.toExponential(2)}, steep ${r.steep.toExponential(2)} `, use),
      );
      quiet();
    } catch (e) {
      fault(e, 'finding a learning rate', o);
    } finally {
      setBusy(false);
    }
  });

  // ——— training ———
  worker.on<FitStart>('fit-start', (s) => fit.start(s, continuing));
  worker.on<StepEvent>('step', (e) => fit.step(e));
  worker.on<StepEvent>('lr-step', (e) => say('info', `Finding a learning rate: step ${e.step} of at most ${e.totalSteps}, smoothed loss ${e.smooth.toFixed(4)}…`));
  worker.on<string[]>('table-header', (cols) => fit.header(cols));
  worker.on<RowEvent>('table-row', (r) => fit.row(r));
  worker.on<number>('snapshot', (epochs) => {
    lastEpochSaved = epochs;
    document.getElementById('dl-last-epoch-label')?.replaceChildren(`exported learner after ${epochs} finished epoch${epochs === 1 ? '' : 's'} (kept in case the GPU is lost)`);
  });
  // The package's notice names its own option; here the same choice is the file picker above.
  worker.on<string>('notice', (t) =>
    fill(ui.notices, /no pretrained weights/.test(t) ? `No pretrained weights chosen, so ${ui.arch.value} starts from random initialisation (pick torchvision weights under Options to start from them).` : t),
  );
  let continuing = false;

  async function runFit(method: 'train' | 'continue', args: unknown, o: TrainOptions): Promise<void> {
    setBusy(true, true);
    quiet();
    fill(ui.notices);
    if (trainedOpts) after.note(`Training${method === 'continue' ? ' on' : ' a new model'}: the results below are from before, until this fit ends.`);
    continuing = method === 'continue';
    try {
      const r = await worker.call<FitEnd>(method, args);
      fit.finish(r.stopped ? `Stopped after step ${r.steps}; the weights are kept (${r.epochs} full epoch${r.epochs === 1 ? '' : 's'}).` : `Done: ${r.steps} steps.`, r.stopped);
      if (r.stopped) say('info', `Stopped at the end of step ${r.steps}. The model keeps the weights it had then: predict, download, or continue below.`);
      trainedOpts = o;
      if (method === 'train') trainedOn = picked?.source ?? null;
      after.note(null);
      await after.showResults();
    } catch (e) {
      fault(e, 'training', o);
    } finally {
      setBusy(false);
    }
  }

  ui.train.addEventListener('click', async () => {
    const o = await readOptions();
    if (!o || busy) return;
    lastEpochSaved = 0;
    await runFit('train', o, o);
  });
  ui.stop.addEventListener('click', () => {
    ui.stop.disabled = true;
    void worker.call('stop');
    fit.finish('Stopping at the end of this step…');
  });

  // ——— afterwards ———
  const after = afterSection({
    worker,
    say,
    quiet,
    fault,
    isBusy: () => busy,
    setBusy,
    dataOptions: async () => (picked && dataReady ? readOptions() : null),
    onLoaded: (o) => (trainedOpts = o),
    continueFit: async (epochs, size) => {
      if (!trainedOpts) return say('error', 'Train a model (or load a checkpoint with matching data) first.');
      const lr = Number(ui.lr.value);
      const o = { ...trainedOpts, size, lr, method: ui.method.value as TrainOptions['method'] };
      await runFit('continue', { epochs, size, lr, method: o.method }, o);
    },
  });
  fill(ui.results, ...after.children);
}
