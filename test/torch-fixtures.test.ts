// Numerics against PyTorch: test/fixtures/torch-ops.json was written by
// scripts/fixtures/make_op_fixtures.py with Debian's python3-torch (run by hand; tests never need
// Python). For every case our output, the gradient of sum(output · upstream) for every input, and
// the running statistics after a training step must match PyTorch to relative error ≤ 1e-4
// (the largest difference over the largest magnitude of PyTorch's tensor).

import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { F, tensor, tidy, type Tensor } from '../src/node/index.js';
import { relErr, type Enc } from './helpers/fixtures.js';
import { setupGpu } from './helpers/gpu.js';

interface Case {
  name: string;
  op: string;
  args: Record<string, unknown>;
  inputs: Record<string, Enc>;
  output: Enc;
  upstream?: Enc;
  grads?: Record<string, Enc>;
  after?: Record<string, Enc>;
}

const fixtures = JSON.parse(readFileSync(new URL('./fixtures/torch-ops.json', import.meta.url), 'utf8')) as { torch: string; cases: Case[] };

beforeAll(setupGpu);

type Pair = [number, number];
const run: Record<string, (t: Record<string, Tensor>, a: Record<string, unknown>) => Tensor> = {
  conv2d: (t, a) => F.conv2d(t.x!, t.w!, t.b ?? null, a as { stride: number; padding: number | Pair; dilation: number; groups: number }),
  batchNorm: (t, a) =>
    (a.relu ? F.batchNormRelu : F.batchNorm)(t.x!, t.running_mean!, t.running_var!, { weight: t.weight!, bias: t.bias!, training: a.training as boolean }),
  maxPool2d: (t, a) => F.maxPool2d(t.x!, a.kernel as Pair, { stride: a.stride as Pair, padding: a.padding as Pair }),
  avgPool2d: (t, a) => F.avgPool2d(t.x!, a.kernel as Pair, { stride: a.stride as Pair, padding: a.padding as Pair, countIncludePad: a.countIncludePad as boolean }),
  adaptiveAvgPool2d: (t, a) => F.adaptiveAvgPool2d(t.x!, a.out as Pair),
  adaptiveMaxPool2d: (t, a) => F.adaptiveMaxPool2d(t.x!, a.out as Pair),
  adaptiveConcatPool2d: (t) => F.adaptiveConcatPool2d(t.x!),
  linear: (t) => F.linear(t.x!, t.w!, t.b!),
  logSoftmax: (t) => F.logSoftmax(t.x!),
  crossEntropy: (t, a) => F.crossEntropy(t.x!, t.targets!, { reduction: a.reduction as 'mean' }),
};


describe(`against PyTorch ${fixtures.torch}`, () => {
  it('has the fixture cases', () => expect(fixtures.cases.length).toBeGreaterThanOrEqual(30));
  for (const c of fixtures.cases) {
    it(c.name, async () => {
      const noGradInputs = new Set(['running_mean', 'running_var', 'targets']);
      const inputs = Object.fromEntries(
        Object.entries(c.inputs).map(([k, v]) => [k, tensor(v.data, v.shape, { requiresGrad: Boolean(c.grads) && !noGradInputs.has(k) })]),
      );
      const y = tidy(() => {
        const out = run[c.op]!(inputs, c.args);
        if (c.upstream) out.backward(tensor(c.upstream.data, c.upstream.shape));
        return out;
      });
      expect([...y.shape]).toEqual(c.output.shape);
      expect(relErr(await y.toArray(), c.output), `${c.name}: output`).toBeLessThanOrEqual(1e-4);
      for (const [k, g] of Object.entries(c.grads ?? {})) {
        expect(inputs[k]!.grad, `${c.name}: no gradient for ${k}`).toBeTruthy();
        expect(relErr(await inputs[k]!.grad!.toArray(), g), `${c.name}: gradient of ${k}`).toBeLessThanOrEqual(1e-4);
      }
      for (const [k, v] of Object.entries(c.after ?? {})) {
        expect(relErr(await inputs[k]!.toArray(), v), `${c.name}: ${k} after the step`).toBeLessThanOrEqual(1e-4);
      }
      y.dispose();
      Object.values(inputs).forEach((t) => t.dispose());
    });
  }
});
