// After a fit: the confusion matrix, the top losses, showBatch's grid, and predict-by-drop with a
// bar per class.

import { fill, h } from '../ui/dom.js';
import { itemName, type PredictionReport, type Results } from './protocol.js';

export function confusionTable(r: Results): HTMLElement {
  const max = Math.max(1, ...r.confusion.flat());
  const table = h(
    'table',
    { id: 'confusion', class: 'confusion' },
    h('thead', {}, h('tr', {}, h('th', {}, 'actual \\ predicted'), ...r.vocab.map((v) => h('th', { class: 'vertical' }, h('span', {}, v))))),
    h(
      'tbody',
      {},
      ...r.confusion.map((row, a) =>
        h(
          'tr',
          {},
          h('th', {}, r.vocab[a]!),
          ...row.map((n, p) => {
            const shade = n / max;
            const style = `background: rgba(${a === p ? '31,119,180' : '214,39,40'}, ${(0.08 + 0.8 * shade).toFixed(2)}); color: ${shade > 0.55 ? '#fff' : '#111'}`;
            return h('td', { style, title: `${n} ${r.vocab[a]} predicted as ${r.vocab[p]}` }, String(n));
          }),
        ),
      ),
    ),
  );
  const n = r.confusion.flat().reduce((a, b) => a + b, 0);
  return h('div', {}, h('h3', {}, 'Confusion matrix'), h('p', { class: 'muted' }, `${n} validation images; rows actual, columns predicted; error rate ${r.errorRate.toFixed(4)}`), table);
}

/** fastai's plot_top_losses: the worst validation images with predicted/actual, loss and probability. */
export function topLosses(r: Results): HTMLElement {
  return h(
    'div',
    { id: 'top-losses', class: 'image-grid' },
    ...r.top.map((t) =>
      h(
        'figure',
        {},
        h('img', { src: t.item.slice(0, t.item.indexOf('#')), alt: itemName(t.item), title: itemName(t.item) }),
        h('figcaption', {}, h('b', {}, `${t.predicted}/${t.actual}`), h('br'), `loss ${t.loss.toFixed(2)} · p ${t.prob.toFixed(2)}`),
      ),
    ),
  );
}

export function showBatchImage(png: Uint8Array): HTMLImageElement {
  const url = URL.createObjectURL(new Blob([png as Uint8Array<ArrayBuffer>], { type: 'image/png' }));
  return h('img', { id: 'show-batch', src: url, alt: 'the first training batch, augmented, with labels' });
}

export function predictionView(el: HTMLElement, p: PredictionReport, imageUrl: string, name: string): void {
  const order = p.vocab.map((v, i) => [v, p.probs[i]!] as const);
  fill(
    el,
    h('img', { src: imageUrl, alt: name, class: 'predict-image' }),
    h(
      'div',
      {},
      h('p', { id: 'predicted-label' }, 'Prediction for ', h('code', {}, name), ': ', h('b', {}, p.label), ` (${(100 * Math.max(...p.probs)).toFixed(1)} %)`),
      h(
        'div',
        { class: 'bars' },
        ...order.map(([v, q]) =>
          h('div', { class: `bar-row${v === p.label ? ' top' : ''}` }, h('span', { class: 'bar-label' }, v), h('span', { class: 'bar' }, h('span', { style: `width: ${(100 * q).toFixed(1)}%` })), h('span', { class: 'bar-value mono' }, q.toFixed(3))),
        ),
      ),
    ),
  );
}
