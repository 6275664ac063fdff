// The convolution lab: pick a convolution, run every rung of the ladder (forward, input gradient,
// weight gradient), each checked against the f64 reference and then timed; read each rung's
// section of docs/convolution.md and its kernels' sources; and see the tiny case drawn.

import { FaultError, type WorkerClient } from '../rpc.js';
import { field, fill, h, numberInput } from '../ui/dom.js';
import { showSource } from '../ui/sourceView.js';
import { picture } from './picture.js';
import type { Direction, LabRequest, LabResult } from './run.js';

const DIRECTIONS: [Direction, string][] = [
  ['forward', 'forward y'],
  ['inputGrad', 'input gradient dX'],
  ['weightGrad', 'weight gradient dW'],
];

/** "3" → [3, 3]; "3,1" → [3, 1]. */
function pairOf(s: string, name: string, min: number): [number, number] {
  const v = s.split(/[,×x ]+/).filter(Boolean).map(Number);
  const p = (v.length === 1 ? [v[0], v[0]] : v) as [number, number];
  if (p.length !== 2 || !p.every((d) => Number.isInteger(d) && d >= min)) throw new Error(`${name} must be a whole number ≥ ${min}, or two separated by a comma (height, width); got '${s}'`);
  return p;
}

export function labTab(panel: HTMLElement, tools: () => Promise<{ client: WorkerClient }>): void {
  const n = {
    N: numberInput('lab-n', 2, { min: 1 }),
    C: numberInput('lab-c', 16, { min: 1 }),
    H: numberInput('lab-h', 24, { min: 1 }),
    W: numberInput('lab-w', 24, { min: 1 }),
    K: numberInput('lab-k', 32, { min: 1 }),
    groups: numberInput('lab-groups', 1, { min: 1 }),
  };
  const t = {
    kernel: h('input', { id: 'lab-kernel', value: '3', size: 4 }),
    stride: h('input', { id: 'lab-stride', value: '1', size: 4 }),
    padding: h('input', { id: 'lab-padding', value: '1', size: 4 }),
    dilation: h('input', { id: 'lab-dilation', value: '1', size: 4 }),
  };
  const run = h('button', { id: 'run-lab', class: 'primary' }, 'Run every rung');
  const status = h('div', { id: 'lab-status' });
  const results = h('div', { id: 'lab-results' });
  const pic = h('div', { id: 'lab-picture' });

  fill(
    panel,
    h('h2', {}, 'The convolution ladder'),
    h('p', { class: 'muted' }, 'Each version of conv2d runs the forward pass and both gradients on the same random tensors; each result is compared with the f64 reference first, and only then timed. Shapes are PyTorch’s: input N×C×H×W, weight K×(C/groups)×kh×kw.'),
    h('div', { class: 'row' }, field('N', n.N), field('C', n.C), field('H', n.H), field('W', n.W), field('K (out channels)', n.K), field('groups', n.groups)),
    h('div', { class: 'row' }, field('kernel size', t.kernel), field('stride', t.stride), field('padding', t.padding), field('dilation', t.dilation), run, h('small', { class: 'muted' }, 'a pair as “h,w”')),
    status,
    results,
    h('h3', {}, 'One tiny case, drawn'),
    h('p', { class: 'muted' }, 'A 5×5 input and a 3×3 kernel with the stride, padding and dilation above (padding drawn up to 2).'),
    pic,
  );

  const request = (): LabRequest => ({
    N: Number(n.N.value),
    C: Number(n.C.value),
    H: Number(n.H.value),
    W: Number(n.W.value),
    K: Number(n.K.value),
    groups: Number(n.groups.value),
    ...(([kh, kw]) => ({ kh, kw }))(pairOf(t.kernel.value, 'kernel size', 1)),
    stride: pairOf(t.stride.value, 'stride', 1),
    padding: pairOf(t.padding.value, 'padding', 0),
    dilation: pairOf(t.dilation.value, 'dilation', 1),
  });

  const redrawPicture = () => {
    try {
      const r = request();
      picture(pic, { stride: r.stride, padding: r.padding, dilation: r.dilation });
    } catch (e) {
      fill(pic, h('p', { class: 'error' }, (e as Error).message));
    }
  };
  for (const el of [...Object.values(t)]) el.addEventListener('change', redrawPicture);
  redrawPicture();

  async function openSource(file: string): Promise<void> {
    const { client } = await tools();
    showSource(file, await client.call<string>('source', file));
  }

  run.addEventListener('click', async () => {
    let r: LabRequest;
    try {
      r = request();
      for (const [k, el] of Object.entries(n)) if (!(Number.isInteger(Number(el.value)) && Number(el.value) >= 1)) throw new Error(`${k} must be a whole number ≥ 1, got '${el.value}'`);
    } catch (e) {
      fill(status, h('p', { class: 'error' }, (e as Error).message));
      return;
    }
    run.disabled = true;
    fill(status, h('p', { class: 'muted' }, 'Computing the f64 reference, then running each rung…'));
    try {
      const { client } = await tools();
      const res = await client.call<LabResult>('lab', r);
      const g = res.geometry;
      fill(
        status,
        h('p', { id: 'lab-summary' }, `x ${g.N}×${g.C}×${g.H}×${g.W}, w ${g.O}×${g.C / g.groups}×${g.KH}×${g.KW} → y ${g.N}×${g.O}×${g.OH}×${g.OW}; ${(res.flops / 1e6).toFixed(2)} MFLOP per direction; checked to ${res.tolerance} of the largest reference value; times from ${res.timing === 'gpu' ? 'GPU timestamps' : 'wall-clock replay'}, mean of 3 runs.`),
      );
      fill(results, resultsTable(res, openSource));
    } catch (e) {
      fill(status, h('p', { class: 'error' }, e instanceof FaultError ? e.message : String(e)));
    } finally {
      run.disabled = false;
    }
  });
}

function resultsTable(res: LabResult, openSource: (file: string) => Promise<void>): HTMLTableElement {
  const rows: HTMLTableRowElement[] = [];
  for (const rung of res.rungs) {
    const head = h('th', { rowspan: rung.error ? 1 : 3, class: 'rung' }, h('b', {}, rung.name), h('br'), h('small', {}, rung.title), h('br'), h('a', { href: `docs/convolution.html#${rung.doc}`, target: '_blank', class: 'doc-link' }, 'docs/convolution.md ↗'));
    if (rung.error) {
      rows.push(h('tr', { 'data-rung': rung.name }, head, h('td', { colspan: 6, class: 'error' }, rung.error)));
      continue;
    }
    DIRECTIONS.forEach(([d, label], i) => {
      const x = rung.results[d];
      const first = i === 0 ? head : null;
      if ('reason' in x) {
        rows.push(h('tr', { 'data-rung': rung.name, 'data-direction': d, class: 'ineligible' }, first, h('td', {}, label), h('td', { colspan: 5, class: 'muted' }, `not eligible: ${x.reason}`)));
        return;
      }
      rows.push(
        h(
          'tr',
          { 'data-rung': rung.name, 'data-direction': d, 'data-rel': x.rel, class: x.ok ? '' : 'bad' },
          first,
          h('td', {}, label),
          h('td', { class: 'num mono' }, x.maxAbs.toExponential(2)),
          h('td', { class: 'num mono rel' }, x.rel.toExponential(2)),
          h('td', {}, x.ok ? h('span', { class: 'ok' }, '✓ matches') : h('span', { class: 'error' }, '✗ differs')),
          h('td', { class: 'num' }, `${x.ms.toFixed(3)} ms · ${x.gflops.toFixed(2)} GFLOP/s`),
          h('td', { class: 'kernels' }, ...x.kernels.map((k) => h('button', { class: 'link', onclick: () => void openSource(k) }, k))),
        ),
      );
    });
  }
  return h('table', { id: 'lab-table', class: 'lab-table' }, h('thead', {}, h('tr', {}, h('th', {}, 'rung'), h('th', {}, 'direction'), h('th', {}, 'max |error|'), h('th', {}, 'relative'), h('th', {}, 'check'), h('th', {}, 'time'), h('th', {}, 'kernels (source)'))), h('tbody', {}, ...rows));
}
