// Plain-loop CPU versions of the ops, in f64: the reference every kernel is tested against, and
// the shortest statement of what each op computes. Arrays are flat, row-major; shapes alongside.

export interface Ref {
  data: Float64Array;
  shape: number[];
}

export function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1]! * shape[i + 1]!;
  return s;
}

/** Coordinates of flat index i in shape. */
function coords(i: number, shape: readonly number[]): number[] {
  const c = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    c[d] = i % shape[d]!;
    i = Math.floor(i / shape[d]!);
  }
  return c;
}

export function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const r = Math.max(a.length, b.length);
  return Array.from({ length: r }, (_, i) => {
    const da = a[a.length - r + i] ?? 1;
    const db = b[b.length - r + i] ?? 1;
    return da === 1 ? db : da;
  });
}

/** Reads x (shape xs) at output coordinates c of a broadcast result. */
function readBroadcast(x: Float64Array, xs: readonly number[], c: number[]): number {
  const off = c.length - xs.length;
  let idx = 0;
  const st = strides(xs);
  xs.forEach((d, i) => (idx += (d === 1 ? 0 : c[i + off]!) * st[i]!));
  return x[idx]!;
}

export function binary(f: (u: number, v: number) => number, a: Float64Array, as: number[], b: Float64Array, bs: number[]): Ref {
  const shape = broadcastShape(as, bs);
  const data = new Float64Array(size(shape));
  for (let i = 0; i < data.length; i++) {
    const c = coords(i, shape);
    data[i] = f(readBroadcast(a, as, c), readBroadcast(b, bs, c));
  }
  return { data, shape };
}

export function unary(f: (u: number) => number, x: Float64Array, shape: number[]): Ref {
  return { data: x.map(f), shape: [...shape] };
}

/** Sum, mean or max over one axis (all when undefined). */
export function reduce(kind: 'sum' | 'mean' | 'max', x: Float64Array, shape: number[], axis?: number, keepDim = false): Ref {
  const ax = axis === undefined ? undefined : axis < 0 ? axis + shape.length : axis;
  const outShapeKept = shape.map((d, i) => (ax === undefined || i === ax ? 1 : d));
  const out = new Float64Array(size(outShapeKept)).fill(kind === 'max' ? -Infinity : 0);
  const R = ax === undefined ? size(shape) : shape[ax]!;
  for (let i = 0; i < x.length; i++) {
    const c = coords(i, shape).map((v, d) => (ax === undefined || d === ax ? 0 : v));
    let o = 0;
    const st = strides(outShapeKept);
    c.forEach((v, d) => (o += v * st[d]!));
    out[o] = kind === 'max' ? Math.max(out[o]!, x[i]!) : out[o]! + x[i]!;
  }
  if (kind === 'mean') for (let i = 0; i < out.length; i++) out[i]! /= R;
  const shapeOut = keepDim ? outShapeKept : ax === undefined ? [] : shape.filter((_, i) => i !== ax);
  return { data: out, shape: shapeOut };
}

/** C = op(A) · op(B) over the last two dims, batch broadcast as in ops/matmul.ts. */
export function matmul(a: Float64Array, as: number[], b: Float64Array, bs: number[], transA = false, transB = false): Ref {
  const [ar, ac] = as.slice(-2) as [number, number];
  const [br, bc] = bs.slice(-2) as [number, number];
  const M = transA ? ac : ar;
  const K = transA ? ar : ac;
  const N = transB ? br : bc;
  const batchShape = broadcastShape(as.slice(0, -2), bs.slice(0, -2));
  const batch = size(batchShape);
  const aBatch = size(as.slice(0, -2)) === 1 ? 0 : M * K;
  const bBatch = size(bs.slice(0, -2)) === 1 ? 0 : K * N;
  const out = new Float64Array(batch * M * N);
  for (let z = 0; z < batch; z++)
    for (let m = 0; m < M; m++)
      for (let n = 0; n < N; n++) {
        let s = 0;
        for (let k = 0; k < K; k++) {
          const av = a[z * aBatch + (transA ? k * M + m : m * K + k)]!;
          const bv = b[z * bBatch + (transB ? n * K + k : k * N + n)]!;
          s += av * bv;
        }
        out[z * M * N + m * N + n] = s;
      }
  return { data: out, shape: [...batchShape, M, N] };
}

export function permute(x: Float64Array, shape: number[], dims: number[]): Ref {
  const outShape = dims.map((d) => shape[d]!);
  const xs = strides(shape);
  const out = new Float64Array(x.length);
  for (let i = 0; i < out.length; i++) {
    const c = coords(i, outShape);
    let idx = 0;
    c.forEach((v, k) => (idx += v * xs[dims[k]!]!));
    out[i] = x[idx]!;
  }
  return { data: out, shape: outShape };
}

export function logSoftmax(x: Float64Array, shape: number[]): Ref {
  const K = shape[shape.length - 1]!;
  const out = new Float64Array(x.length);
  for (let r = 0; r < x.length / K; r++) {
    let m = -Infinity;
    for (let k = 0; k < K; k++) m = Math.max(m, x[r * K + k]!);
    let s = 0;
    for (let k = 0; k < K; k++) s += Math.exp(x[r * K + k]! - m);
    const lse = m + Math.log(s);
    for (let k = 0; k < K; k++) out[r * K + k] = x[r * K + k]! - lse;
  }
  return { data: out, shape: [...shape] };
}

/** torch's F.cross_entropy with class indices, ignore_index and label_smoothing (ε), in f64. */
export function crossEntropy(
  x: Float64Array,
  shape: number[],
  targets: readonly number[],
  reduction: 'mean' | 'sum' | 'none' = 'mean',
  o: { ignoreIndex?: number; labelSmoothing?: number } = {},
): Ref {
  const ls = logSoftmax(x, shape).data;
  const K = shape[1]!;
  const [ignore, eps] = [o.ignoreIndex ?? -100, o.labelSmoothing ?? 0];
  const per = Float64Array.from(targets, (t, r) => {
    if (t === ignore) return 0;
    let smooth = 0;
    for (let k = 0; k < K; k++) smooth -= ls[r * K + k]! / K;
    return (1 - eps) * -ls[r * K + t]! + eps * smooth;
  });
  if (reduction === 'none') return { data: per, shape: [targets.length] };
  const total = per.reduce((a, b) => a + b, 0);
  const counted = targets.filter((t) => t !== ignore).length;
  return { data: Float64Array.of(reduction === 'sum' ? total : total / counted), shape: [] };
}
