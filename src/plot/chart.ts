// A line chart on the PNG canvas, for the learner's plots (lrFind's loss against learning rate,
// the recorder's loss curves): axes with ticks (decades on a log axis), lines, marked points and
// a legend. Non-finite values break a line instead of drawing it to infinity.

import { BLACK, Canvas, GRAY, LINE_HEIGHT, type Rgb } from './canvas.js';

export interface Series {
  xs: number[];
  ys: number[];
  color: Rgb;
  label?: string;
  /** Draw a 5×5 square at each point instead of joining them. */
  points?: boolean;
}

export interface ChartOptions {
  title: string;
  logX?: boolean;
  width?: number;
  height?: number;
  /** Extra points drawn as 7×7 squares (a suggestion on lrFind's plot). */
  marks?: { x: number; y: number; color: Rgb }[];
}

const [LEFT, BOTTOM, TOP, RIGHT] = [70, 40, 20, 20];

/** Evenly spaced "nice" ticks (1, 2 or 5 × 10^k apart) covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, about = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / about;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

export function lineChart(series: Series[], o: ChartOptions): Canvas {
  const [W, H] = [o.width ?? 560, o.height ?? 360];
  const cv = new Canvas(W, H);
  const tx = (x: number) => (o.logX ? Math.log10(x) : x);
  const finite = (v: number) => Number.isFinite(v);
  const xs = series.flatMap((s) => s.xs.map(tx)).filter(finite);
  const ys = series.flatMap((s) => s.ys).concat((o.marks ?? []).map((m) => m.y)).filter(finite);
  const [x0, x1] = xs.length ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
  const [y0, y1] = ys.length ? [Math.min(...ys), Math.max(...ys)] : [0, 1];
  const px = (x: number) => LEFT + ((tx(x) - x0) / (x1 - x0 || 1)) * (W - LEFT - RIGHT);
  const py = (y: number) => H - BOTTOM - ((y - y0) / (y1 - y0 || 1)) * (H - BOTTOM - TOP);
  cv.line(LEFT, TOP, LEFT, H - BOTTOM, BLACK);
  cv.line(LEFT, H - BOTTOM, W - RIGHT, H - BOTTOM, BLACK);
  const decades = Array.from({ length: Math.max(0, Math.floor(x1) - Math.ceil(x0) + 1) }, (_, i) => 10 ** (Math.ceil(x0) + i));
  const xTicks = o.logX ? decades : niceTicks(x0, x1);
  for (const t of xTicks) {
    const x = px(t);
    cv.line(x, H - BOTTOM, x, H - BOTTOM + 4, BLACK);
    cv.line(x, TOP, x, H - BOTTOM - 1, GRAY);
    const label = o.logX ? `1e${Math.round(Math.log10(t))}` : String(t);
    cv.text(x - Canvas.textWidth(label) / 2, H - BOTTOM + 8, label);
  }
  for (let k = 0; k <= 4; k++) {
    const v = y0 + ((y1 - y0) * k) / 4;
    cv.text(4, py(v) - 6, v.toFixed(3));
    cv.line(LEFT - 4, py(v), LEFT, py(v), BLACK);
  }
  for (const s of series) {
    for (let i = 0; i < s.xs.length; i++) {
      const [x, y] = [s.xs[i]!, s.ys[i]!];
      if (!finite(tx(x)) || !finite(y)) continue;
      if (s.points) cv.fillRect(Math.round(px(x)) - 2, Math.round(py(y)) - 2, 5, 5, s.color);
      else if (i + 1 < s.xs.length && finite(tx(s.xs[i + 1]!)) && finite(s.ys[i + 1]!)) cv.line(px(x), py(y), px(s.xs[i + 1]!), py(s.ys[i + 1]!), s.color);
    }
  }
  for (const m of o.marks ?? []) if (finite(tx(m.x)) && finite(m.y)) cv.fillRect(Math.round(px(m.x)) - 3, Math.round(py(m.y)) - 3, 7, 7, m.color);
  cv.text(LEFT + 8, TOP, o.title);
  series
    .filter((s) => s.label)
    .forEach((s, i) => {
      const y = TOP + (i + 1) * LINE_HEIGHT + 4;
      cv.fillRect(W - RIGHT - 110, y + 5, 14, 3, s.color);
      cv.text(W - RIGHT - 90, y, s.label!);
    });
  return cv;
}
