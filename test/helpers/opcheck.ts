// checkOp: the one test helper every op goes through.
//  1. fresh random inputs (seeded), rounded to f32 so GPU and reference see the same values;
//  2. forward on the GPU (outputs NaN-poisoned) against the f64 CPU reference;
//  3. backward: L = Σ out · R for a random R; the GPU gradient of every input that requires grad
//     is compared with central finite differences of the f64 reference's L.

import { expect } from 'vitest';
import { tensor, tidy, type Tensor } from '../../src/node/index.js';
import { Rng } from '../../src/tensor/random.js';
import type { Ref } from '../../src/reference/index.js';

export interface InputSpec {
  shape: number[];
  /** Value distribution: normal (default), positive (0.5 … 2), or distinct (well-separated, for max/relu). */
  kind?: 'normal' | 'positive' | 'distinct';
  grad?: boolean;
}

export interface OpCheck {
  name: string;
  inputs: InputSpec[];
  gpu: (...xs: Tensor[]) => Tensor;
  ref: (...xs: Float64Array[]) => Ref;
  seed?: number;
  /** Forward tolerance |gpu − ref| ≤ atol + rtol·|ref|. */
  rtol?: number;
  atol?: number;
  /** Gradient tolerance, relative to the largest gradient magnitude. */
  gradTol?: number;
  /**
   * Checks of several implementations of one op (the conv rungs) on the same inputs, seed and
   * reference can share the reference's forward pass and finite differences: give them the same
   * key. The finite differences are most of a check's time (two reference calls per input element).
   */
  refKey?: string;
}

const finiteDifferences = new Map<string, Float64Array>();

function makeInput(rng: Rng, s: InputSpec): Float64Array {
  const n = s.shape.reduce((a, b) => a * b, 1);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (s.kind === 'positive') out[i] = 0.5 + 1.5 * rng.next();
    else if (s.kind === 'distinct') out[i] = (i - n / 2) * 0.37 + 0.05 * rng.next();
    else out[i] = rng.normal();
  }
  if (s.kind === 'distinct') for (let i = n - 1; i > 0; i--) { const j = rng.int(i + 1); [out[i], out[j]] = [out[j]!, out[i]!]; }
  return Float64Array.from(new Float32Array(out)); // round to f32
}

function expectClose(what: string, got: Float32Array, want: Float64Array, rtol: number, atol: number): void {
  expect(got.length, `${what}: length`).toBe(want.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!;
    const excess = Math.abs(g - want[i]!) - (atol + rtol * Math.abs(want[i]!));
    if (Number.isNaN(g) || excess > worst) {
      worst = Number.isNaN(g) ? Infinity : excess;
      at = i;
      if (Number.isNaN(g)) break;
    }
  }
  if (at >= 0) expect.fail(`${what}: element ${at} is ${got[at]} but the reference says ${want[at]} (rtol ${rtol}, atol ${atol})`);
}

export async function checkOp(c: OpCheck): Promise<void> {
  const rng = new Rng(c.seed ?? 1234);
  const values = c.inputs.map((s) => makeInput(rng, s));
  const want = c.ref(...values);

  // Forward + backward on the GPU inside one scope; keep what we read back.
  // (The inputs are returned too: a leaf's .grad lives as long as the leaf.)
  const xs = values.map((v, i) => tensor(Float32Array.from(v), c.inputs[i]!.shape, { requiresGrad: c.inputs[i]!.grad ?? false }));
  const out = tidy(() => {
    const out = c.gpu(...xs);
    if (c.inputs.some((s) => s.grad)) {
      const proj = tensor(Float32Array.from(projection(want.data.length)), out.shape);
      out.mul(proj).sum().backward();
    }
    return out;
  });
  const grads = xs.map((x) => x.grad);

  expect([...out.shape], `${c.name}: output shape`).toEqual(want.shape);
  expectClose(`${c.name} forward`, await out.toArray(), want.data, c.rtol ?? 1e-5, c.atol ?? 1e-5);
  out.dispose();

  const R = projection(want.data.length);
  const L = (vals: Float64Array[]) => {
    const y = c.ref(...vals).data;
    let s = 0;
    for (let i = 0; i < y.length; i++) s += y[i]! * R[i]!;
    return s;
  };
  for (let k = 0; k < c.inputs.length; k++) {
    if (!c.inputs[k]!.grad) continue;
    const g = grads[k];
    expect(g, `${c.name}: input ${k} got no gradient`).toBeTruthy();
    const key = c.refKey === undefined ? undefined : `${c.refKey} ${JSON.stringify(c.inputs)} seed ${c.seed ?? 1234} input ${k}`;
    const fd = (key && finiteDifferences.get(key)) || centralDifferences(values, k, L);
    if (key) finiteDifferences.set(key, fd);
    const scale = Math.max(1e-3, ...fd.map(Math.abs));
    expectClose(`${c.name} gradient of input ${k}`, await g!.toArray(), fd, 0, (c.gradTol ?? 1e-4) * scale);
  }
  xs.forEach((x) => x.dispose());
}

/** ∂L/∂values[k] by central differences of the f64 reference, one input element at a time. */
function centralDifferences(values: Float64Array[], k: number, L: (vals: Float64Array[]) => number): Float64Array {
  const fd = new Float64Array(values[k]!.length);
  for (let i = 0; i < fd.length; i++) {
    const x = values[k]!;
    const h = 1e-6 * Math.max(1, Math.abs(x[i]!));
    const save = x[i]!;
    x[i] = save + h;
    const up = L(values);
    x[i] = save - h;
    const down = L(values);
    x[i] = save;
    fd[i] = (up - down) / (2 * h);
  }
  return fd;
}

/** The fixed pseudo-random projection R used by checkOp (same on both sides). */
function projection(n: number): number[] {
  const r = new Rng(99);
  return Array.from({ length: n }, () => r.normal());
}
