// The Synthetic Control Chart time series (Alcock and Manolopoulos 1999; UCI's "Synthetic Control
// Chart Time Series"), generated from the published formulas with a seeded RNG instead of
// downloaded. Each chart has n = 60 points, t = 1 … n, m = 30, s = 2, and fresh noise r ~ U(−3, 3)
// at every point; a, T, g, x and t3 are drawn once per chart:
//   normal             y(t) = m + r·s
//   cyclic             y(t) = m + r·s + a·sin(2πt/T)       a, T ~ U(10, 15)
//   increasing trend   y(t) = m + r·s + g·t                g ~ U(0.2, 0.5)
//   decreasing trend   y(t) = m + r·s − g·t
//   upward shift       y(t) = m + r·s + k·x                x ~ U(7.5, 20), k = 1 from t3 on, else 0,
//   downward shift     y(t) = m + r·s − k·x                t3 ~ U(n/3, 2n/3)

import { Rng } from '../../src/tensor/random.js';

export const CONTROL_CLASSES = ['normal', 'cyclic', 'increasing_trend', 'decreasing_trend', 'upward_shift', 'downward_shift'] as const;
export type ControlClass = (typeof CONTROL_CLASSES)[number];

/** One chart of class `c`. */
export function controlChart(c: ControlClass, rng: Rng, n = 60): number[] {
  const u = (lo: number, hi: number) => lo + (hi - lo) * rng.next();
  const [m, s] = [30, 2];
  const [a, T, g, x, t3] = [u(10, 15), u(10, 15), u(0.2, 0.5), u(7.5, 20), u(n / 3, (2 * n) / 3)];
  return Array.from({ length: n }, (_, i) => {
    const t = i + 1;
    const y = m + u(-3, 3) * s;
    switch (c) {
      case 'normal': return y;
      case 'cyclic': return y + a * Math.sin((2 * Math.PI * t) / T);
      case 'increasing_trend': return y + g * t;
      case 'decreasing_trend': return y - g * t;
      case 'upward_shift': return y + (t >= t3 ? x : 0);
      case 'downward_shift': return y - (t >= t3 ? x : 0);
    }
  });
}

/** `perClass` charts of every class, interleaved by class, from `seed`. */
export function controlCharts(perClass: number, seed: number, n = 60): { series: number[][]; labels: ControlClass[] } {
  const rng = new Rng(seed);
  const out = { series: [] as number[][], labels: [] as ControlClass[] };
  for (let k = 0; k < perClass; k++) {
    for (const c of CONTROL_CLASSES) {
      out.series.push(controlChart(c, rng, n));
      out.labels.push(c);
    }
  }
  return out;
}
