// A small SVG line chart: the live loss chart (training loss per step, validation loss per epoch)
// and the LR finder's loss against learning rate (log x axis). Redrawn whole on each update; a few
// thousand points cost nothing.

export interface Series {
  name: string;
  points: [number, number][];
  color: string;
  /** Draw a dot at each point (validation losses: one per epoch). */
  dots?: boolean;
  line?: boolean;
}

export interface ChartOptions {
  width?: number;
  height?: number;
  xLabel: string;
  yLabel: string;
  logX?: boolean;
  /** Vertical markers, e.g. the suggested learning rate. */
  marks?: { x: number; label: string; color: string }[];
}

const NS = 'http://www.w3.org/2000/svg';

function el(tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/** About five round tick values between lo and hi. */
function ticks(lo: number, hi: number): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-12; v += step) out.push(+v.toPrecision(12));
  return out;
}

export function lineChart(series: Series[], o: ChartOptions): SVGSVGElement {
  const [W, H, L, R, T, B] = [o.width ?? 560, o.height ?? 260, 56, 14, 12, 40];
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, class: 'chart', role: 'img' }) as SVGSVGElement;
  const fx = (x: number) => (o.logX ? Math.log10(x) : x);
  const pts = series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(fx(x)) && Number.isFinite(y));
  svg.append(el('text', { x: L + (W - L - R) / 2, y: H - 4, 'text-anchor': 'middle', class: 'axis-label' }, o.xLabel));
  svg.append(el('text', { x: 12, y: T + (H - T - B) / 2, 'text-anchor': 'middle', transform: `rotate(-90 12 ${T + (H - T - B) / 2})`, class: 'axis-label' }, o.yLabel));
  svg.append(el('rect', { x: L, y: T, width: W - L - R, height: H - T - B, class: 'plot-area' }));
  if (!pts.length) return svg;
  let [x0, x1] = [Math.min(...pts.map((p) => fx(p[0]))), Math.max(...pts.map((p) => fx(p[0])))];
  let [y0, y1] = [Math.min(...pts.map((p) => p[1])), Math.max(...pts.map((p) => p[1]))];
  if (x1 === x0) [x0, x1] = [x0 - 1, x1 + 1];
  if (y1 === y0) [y0, y1] = [y0 - 0.5, y1 + 0.5];
  const pad = (y1 - y0) * 0.05;
  [y0, y1] = [y0 - pad, y1 + pad];
  const px = (x: number) => L + ((fx(x) - x0) / (x1 - x0)) * (W - L - R);
  const py = (y: number) => T + (1 - (y - y0) / (y1 - y0)) * (H - T - B);
  for (const v of ticks(y0, y1)) {
    svg.append(el('line', { x1: L, x2: W - R, y1: py(v), y2: py(v), class: 'grid' }));
    svg.append(el('text', { x: L - 6, y: py(v) + 4, 'text-anchor': 'end', class: 'tick' }, String(+v.toPrecision(4))));
  }
  const xt = o.logX ? Array.from({ length: Math.floor(x1) - Math.ceil(x0) + 1 }, (_, i) => 10 ** (Math.ceil(x0) + i)) : ticks(x0, x1);
  for (const v of xt) {
    svg.append(el('line', { x1: px(v), x2: px(v), y1: T, y2: H - B, class: 'grid' }));
    svg.append(el('text', { x: px(v), y: H - B + 16, 'text-anchor': 'middle', class: 'tick' }, o.logX ? `1e${Math.round(Math.log10(v))}` : String(v)));
  }
  for (const m of o.marks ?? []) {
    svg.append(el('line', { x1: px(m.x), x2: px(m.x), y1: T, y2: H - B, stroke: m.color, 'stroke-dasharray': '4 3' }));
    svg.append(el('text', { x: px(m.x) + 4, y: T + 14, fill: m.color, class: 'tick' }, m.label));
  }
  series.forEach((s, i) => {
    const ok = s.points.filter(([x, y]) => Number.isFinite(fx(x)) && Number.isFinite(y));
    if (s.line !== false && ok.length > 1) svg.append(el('polyline', { points: ok.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' '), fill: 'none', stroke: s.color, 'stroke-width': 2, class: `series series-${i}` }));
    if (s.dots) for (const [x, y] of ok) svg.append(el('circle', { cx: px(x), cy: py(y), r: 4, fill: s.color, class: `dot series-${i}` }));
    svg.append(el('text', { x: W - R - 8, y: T + 16 + 16 * i, 'text-anchor': 'end', fill: s.color, class: 'legend' }, `${s.name}${ok.length ? '' : ' (none yet)'}`));
  });
  return svg;
}
