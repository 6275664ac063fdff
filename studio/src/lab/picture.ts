// The convolution drawn for one tiny case: a 5×5 input (with its zero padding), a 3×3 kernel, the
// output, and the im2col matrix (one row per output pixel, one column per kernel tap). Hovering an
// output pixel lights the input pixels and weights that feed it and its im2col row; hovering an
// input pixel (its gradient dx) lights the output pixels whose dy flows back to it, the weight each
// one uses, and the im2col entries that copy it (col2im sums exactly those).

import { fill, h } from '../ui/dom.js';

const N_IN = 5;
const K = 3;

export interface PictureGeometry {
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
}

interface Tap {
  oh: number;
  ow: number;
  kh: number;
  kw: number;
  ih: number;
  iw: number;
}

/** Small whole numbers, so the sums can be read off. */
const X = Array.from({ length: N_IN * N_IN }, (_, i) => ((i * 7) % 5) + 1);
const Wt = [1, 0, -1, 2, 1, 0, 0, -1, 1];

export function picture(host: HTMLElement, g: PictureGeometry): void {
  const [[sh, sw], [ph, pw], [dh, dw]] = [g.stride, g.padding.map((p) => Math.min(p, 2)) as [number, number], g.dilation];
  const OH = Math.floor((N_IN + 2 * ph - dh * (K - 1) - 1) / sh) + 1;
  const OW = Math.floor((N_IN + 2 * pw - dw * (K - 1) - 1) / sw) + 1;
  if (OH < 1 || OW < 1) {
    fill(host, h('p', { class: 'muted' }, `With this stride, padding and dilation a 3×3 kernel does not fit a 5×5 input (output ${OH}×${OW}); lower the dilation or add padding to see the picture.`));
    return;
  }
  const taps: Tap[] = [];
  for (let oh = 0; oh < OH; oh++)
    for (let ow = 0; ow < OW; ow++)
      for (let kh = 0; kh < K; kh++) for (let kw = 0; kw < K; kw++) taps.push({ oh, ow, kh, kw, ih: oh * sh - ph + kh * dh, iw: ow * sw - pw + kw * dw });
  const inside = (t: Tap) => t.ih >= 0 && t.ih < N_IN && t.iw >= 0 && t.iw < N_IN;
  const xAt = (t: Tap) => (inside(t) ? X[t.ih * N_IN + t.iw]! : 0);
  const y = (oh: number, ow: number) => taps.filter((t) => t.oh === oh && t.ow === ow).reduce((s, t) => s + xAt(t) * Wt[t.kh * K + t.kw]!, 0);

  // The input grid includes the padding ring (rows/cols −ph … N_IN + ph − 1).
  const inCells = new Map<string, HTMLElement>();
  const inputGrid = h('div', { class: 'grid', style: `--cols: ${N_IN + 2 * pw}` });
  for (let r = -ph; r < N_IN + ph; r++)
    for (let c = -pw; c < N_IN + pw; c++) {
      const pad = r < 0 || c < 0 || r >= N_IN || c >= N_IN;
      const cell = h('div', { class: `cell${pad ? ' pad' : ''}`, 'data-ih': r, 'data-iw': c }, pad ? '0' : String(X[r * N_IN + c]));
      inCells.set(`${r},${c}`, cell);
      inputGrid.append(cell);
    }
  const wCells = Wt.map((v, i) => h('div', { class: 'cell weight', 'data-k': i }, String(v)));
  const weightGrid = h('div', { class: 'grid', style: `--cols: ${K}` }, ...wCells);
  const outCells: HTMLElement[] = [];
  const outputGrid = h('div', { class: 'grid', style: `--cols: ${OW}` });
  for (let oh = 0; oh < OH; oh++)
    for (let ow = 0; ow < OW; ow++) {
      const cell = h('div', { class: 'cell out', 'data-oh': oh, 'data-ow': ow }, String(y(oh, ow)));
      outCells.push(cell);
      outputGrid.append(cell);
    }
  const colCells: HTMLElement[][] = [];
  const colGrid = h('div', { class: 'grid im2col', style: `--cols: ${K * K}` });
  for (let q = 0; q < OH * OW; q++) {
    colCells.push([]);
    for (let k = 0; k < K * K; k++) {
      const t = taps[q * K * K + k]!;
      const cell = h('div', { class: `cell${inside(t) ? '' : ' pad'}`, title: inside(t) ? `x[${t.ih}, ${t.iw}]` : 'padding (0)' }, String(xAt(t)));
      colCells[q]!.push(cell);
      colGrid.append(cell);
    }
  }
  const explain = h('p', { id: 'picture-explain', class: 'mono' }, 'Hover an output pixel (forward) or an input pixel (its gradient dx).');
  const lit: HTMLElement[] = [];
  const light = (el: HTMLElement | undefined, cls: string) => {
    if (!el) return;
    el.classList.add(cls);
    lit.push(el);
  };
  const clear = () => {
    for (const el of lit.splice(0)) el.classList.remove('lit', 'lit-row', 'lit-source', 'lit-dim');
  };

  outCells.forEach((cell, q) => {
    const [oh, ow] = [Math.floor(q / OW), q % OW];
    cell.addEventListener('mouseenter', () => {
      clear();
      light(cell, 'lit-source');
      const mine = taps.filter((t) => t.oh === oh && t.ow === ow);
      for (const t of mine) {
        light(inCells.get(`${t.ih},${t.iw}`), 'lit');
        light(wCells[t.kh * K + t.kw], inside(t) ? 'lit' : 'lit-dim');
      }
      for (const c of colCells[q]!) light(c, 'lit-row');
      const num = (v: number) => (v < 0 ? `(−${-v})` : String(v));
      const terms = mine.filter(inside).map((t) => `${xAt(t)}·${num(Wt[t.kh * K + t.kw]!)}`);
      explain.textContent = `y[${oh},${ow}] = Σ x·w over the ${mine.length} taps (${mine.length - terms.length} on padding) = ${terms.join(' + ') || '0'} = ${y(oh, ow)}  — row ${q} of the im2col matrix times the flattened kernel`;
    });
  });
  for (const [key, cell] of inCells) {
    const [ih, iw] = key.split(',').map(Number) as [number, number];
    if (ih < 0 || iw < 0 || ih >= N_IN || iw >= N_IN) continue;
    cell.addEventListener('mouseenter', () => {
      clear();
      light(cell, 'lit-source');
      const feeds = taps.filter((t) => t.ih === ih && t.iw === iw);
      for (const t of feeds) {
        light(outCells[t.oh * OW + t.ow], 'lit');
        light(wCells[t.kh * K + t.kw], 'lit');
        light(colCells[t.oh * OW + t.ow]![t.kh * K + t.kw], 'lit');
      }
      explain.textContent = feeds.length
        ? `dx[${ih},${iw}] = ${feeds.map((t) => `dy[${t.oh},${t.ow}]·w[${t.kh},${t.kw}]`).join(' + ')}  — ${feeds.length} output pixel${feeds.length > 1 ? 's' : ''} read it; col2im sums the ${feeds.length} im2col entr${feeds.length > 1 ? 'ies' : 'y'} that copy it`
        : `dx[${ih},${iw}] = 0: no output pixel reads x[${ih},${iw}] with this stride and dilation`;
    });
  }
  const block = (title: string, grid: HTMLElement) => h('figure', { class: 'grid-block' }, h('figcaption', {}, title), grid);
  fill(
    host,
    h(
      'div',
      { class: 'picture', onmouseleave: () => clear() },
      block(`input x, 5×5${ph || pw ? ` + padding ${ph},${pw}` : ''} (hover: dx)`, inputGrid),
      block('weight w, 3×3', weightGrid),
      block(`output y, ${OH}×${OW} (hover: forward)`, outputGrid),
      block(`im2col matrix, ${OH * OW}×9`, colGrid),
    ),
    explain,
  );
}
