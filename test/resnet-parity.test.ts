// Parity with torchvision: test/fixtures/torchvision-resnet.json holds torchvision's ResNet-18 and
// ResNet-50 logits (eval and train mode), loss, parameter gradients and running statistics after
// one step, written by scripts/fixtures/make_resnet_fixtures.py. Both sides generate the same
// weights from the same seeded generator (ported to Python there), so no weights are committed;
// here they go through safetensors bytes into the model, exercising the loader too.
// The expected values are torchvision's float64 results. Each must be matched to relative error
// ≤ 1e-4, or ≤ 2× PyTorch's own float32 error where that is larger: ResNet-50's early-layer
// gradients in train mode are that sensitive (PyTorch's f32 run is 1.8e-2 off on conv1.weight).

import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { F, models, serializeSafetensors, tensor, tidy, type ResNet, type Tensor } from '../src/node/index.js';
import type { OutEntry } from '../src/io/safetensors.js';
import { Rng } from '../src/tensor/random.js';
import { relErr, type Enc } from './helpers/fixtures.js';
import { setupGpu } from './helpers/gpu.js';

interface Fixture {
  seed: number;
  input: number[];
  targets: number[];
  loss: number;
  /** eval_logits, train_logits, grad:<param>, after:<buffer> */
  values: Record<string, Enc & { torch_f32_err: number }>;
}
const fixtures = JSON.parse(readFileSync(new URL('./fixtures/torchvision-resnet.json', import.meta.url), 'utf8')) as { torchvision: string; models: Record<string, Fixture> };

beforeAll(setupGpu);

function normals(rng: Rng, n: number, scale: number, shift: number, absolute = false): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const v = rng.normal();
    out[i] = (absolute ? Math.abs(v) : v) * scale + shift;
  }
  return out;
}

/** The same fill as make_resnet_fixtures.py's fill(): state-dict order, scaled per kind. */
function weightsFor(model: ResNet, rng: Rng): OutEntry[] {
  const entries: OutEntry[] = [];
  for (const [k, t] of model.stateDict()) {
    const n = t.size;
    let values: Float32Array;
    if (k.endsWith('num_batches_tracked')) {
      entries.push({ name: k, dtype: 'I64', shape: t.shape, values: Float32Array.of(0) });
      continue;
    } else if (k.endsWith('running_var')) values = normals(rng, n, 0.2, 1, true);
    else if (k.endsWith('running_mean') || (k.endsWith('bias') && k.includes('bn')) || k.includes('downsample.1.bias')) values = normals(rng, n, 0.1, 0);
    else if (k.includes('bn') || k.includes('downsample.1')) values = normals(rng, n, 0.1, 1);
    else if (k === 'fc.bias') values = normals(rng, n, 0.01, 0);
    else values = normals(rng, n, Math.sqrt(2 / (n / t.shape[0]!)), 0);
    entries.push({ name: k, dtype: 'F32', shape: t.shape, values });
  }
  return entries;
}


describe(`parity with torchvision ${fixtures.torchvision}`, () => {
  for (const arch of ['resnet18', 'resnet50'] as const) {
    it(`${arch}: eval and train logits, loss, gradients and running statistics`, async () => {
      const f = fixtures.models[arch]!;
      const model = models[arch]({ numClasses: 10 });
      const rng = new Rng(f.seed);
      const loaded = await model.loadSafetensors(serializeSafetensors(weightsFor(model, rng)));
      expect(loaded.length).toBe(model.stateDict().size);
      const x = tensor(normals(rng, f.input.reduce((a, b) => a * b, 1), 1, 0), f.input);

      const check = async (key: string, t: Tensor) => {
        const want = f.values[key]!;
        const tol = Math.max(1e-4, 2 * want.torch_f32_err);
        expect(relErr(await t.toArray(), want), `${arch} ${key} (tolerance ${tol.toExponential(1)})`).toBeLessThanOrEqual(tol);
      };
      model.eval();
      const evalLogits = tidy(() => model.forward(x));
      await check('eval_logits', evalLogits);

      model.train();
      const { logits, loss } = tidy(() => {
        const logits = model.forward(x);
        const loss = F.crossEntropy(logits, f.targets);
        loss.backward();
        return { logits, loss };
      }) as { logits: Tensor; loss: Tensor };
      await check('train_logits', logits);
      expect(Math.abs((await loss.item()) - f.loss) / f.loss).toBeLessThanOrEqual(1e-4);
      const params = new Map(model.namedParameters());
      const state = model.stateDict();
      for (const key of Object.keys(f.values)) {
        if (key.startsWith('grad:')) await check(key, params.get(key.slice(5))!.grad!);
        if (key.startsWith('after:')) await check(key, state.get(key.slice(6))!);
      }
      for (const t of [x, evalLogits, logits, loss]) t.dispose();
      model.dispose();
    }, 300_000);
  }
});
