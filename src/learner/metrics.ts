// Metrics computed on the CPU from a batch's logits (read back once per validation batch), averaged
// over items as fastai's AvgMetric: Σ value·batchSize / Σ batchSize.

export interface Metric {
  name: string;
  /** The metric of one batch: logits [n, k] row-major and the target indices. */
  fn(logits: Float32Array, targets: Int32Array, k: number): number;
}

function argmaxRow(logits: Float32Array, row: number, k: number): number {
  let best = 0;
  for (let j = 1; j < k; j++) if (logits[row * k + j]! > logits[row * k + best]!) best = j;
  return best;
}

/** Fraction of items whose largest logit is the target. */
export const accuracy: Metric = {
  name: 'accuracy',
  fn(logits, targets, k) {
    let right = 0;
    targets.forEach((t, i) => (right += argmaxRow(logits, i, k) === t ? 1 : 0));
    return right / targets.length;
  },
};

/** 1 − accuracy. */
export const errorRate: Metric = {
  name: 'error_rate',
  fn: (logits, targets, k) => 1 - accuracy.fn(logits, targets, k),
};

/** Per-item cross-entropy (f64, max-subtracted log-sum-exp) and softmax probabilities. */
export function crossEntropyRows(logits: Float32Array, targets: Int32Array | null, k: number): { losses: Float64Array; probs: Float32Array } {
  const n = logits.length / k;
  const losses = new Float64Array(n);
  const probs = new Float32Array(logits.length);
  for (let i = 0; i < n; i++) {
    let mx = -Infinity;
    for (let j = 0; j < k; j++) mx = Math.max(mx, logits[i * k + j]!);
    let s = 0;
    for (let j = 0; j < k; j++) s += probs[i * k + j] = Math.exp(logits[i * k + j]! - mx);
    for (let j = 0; j < k; j++) probs[i * k + j]! /= s;
    if (targets) losses[i] = mx + Math.log(s) - logits[i * k + targets[i]!]!;
  }
  return { losses, probs };
}

export { argmaxRow };
