// Learning-rate and momentum schedules as pure functions of progress, fastai's and PyTorch's.

/** fastai's cosine segment from s to e: s + (1 + cos(π(1 − p)))·(e − s)/2, p in [0, 1]. */
export function cosineSegment(s: number, e: number, p: number): number {
  return s + ((1 + Math.cos(Math.PI * (1 - p))) * (e - s)) / 2;
}

export interface OneCycleOptions {
  lrMax: number;
  div?: number;
  divFinal?: number;
  pctStart?: number;
  moms?: [number, number, number];
}

/**
 * fastai's fit_one_cycle schedule at progress `pos` ∈ [0, 1] of all iterations: the lr rises on a
 * cosine from lrMax/div to lrMax over the first pctStart, then falls to lrMax/divFinal; momentum
 * (β1) goes moms[0] → moms[1] → moms[2] on the same phases.
 */
export function oneCycle(pos: number, o: OneCycleOptions): { lr: number; mom: number } {
  const div = o.div ?? 25;
  const divFinal = o.divFinal ?? 1e5;
  const pct = o.pctStart ?? 0.25;
  const [m0, m1, m2] = o.moms ?? [0.95, 0.85, 0.95];
  if (pos < pct) {
    const p = pos / pct;
    return { lr: cosineSegment(o.lrMax / div, o.lrMax, p), mom: cosineSegment(m0, m1, p) };
  }
  const p = (pos - pct) / (1 - pct);
  return { lr: cosineSegment(o.lrMax, o.lrMax / divFinal, p), mom: cosineSegment(m1, m2, p) };
}

/** torch.optim.lr_scheduler.CosineAnnealingLR in closed form: step t of tMax. */
export function cosineAnnealing(lr: number, t: number, tMax: number, etaMin = 0): number {
  return etaMin + ((lr - etaMin) * (1 + Math.cos((Math.PI * Math.min(t, tMax)) / tMax))) / 2;
}

/** torch.optim.lr_scheduler.StepLR: lr · gamma^⌊t / stepSize⌋. */
export function stepDecay(lr: number, t: number, stepSize: number, gamma = 0.1): number {
  return lr * gamma ** Math.floor(t / stepSize);
}

/**
 * fastai's slice(a, b) over n parameter groups: group i gets a·(b/a)^(i/(n−1)); slice(b) (a omitted)
 * gives b/10 to every group but the last, b to the last.
 */
export function lrSlice(n: number, b: number, a?: number): number[] {
  if (a === undefined) return Array.from({ length: n }, (_, i) => (i === n - 1 ? b : b / 10));
  if (n === 1) return [b];
  return Array.from({ length: n }, (_, i) => a * (b / a) ** (i / (n - 1)));
}
