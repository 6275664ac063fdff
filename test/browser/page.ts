// Runs in the page: the same core, through the browser entry (navigator.gpu, bundled shaders).
// Checks a matmul and its gradients against the f64 reference and reports what it found.

import { F, ImageDataLoaders, init, Resize, resnet18, tensor, tidy, visionLearner } from '../../src/browser/index.js';
import * as ref from '../../src/reference/index.js';

function maxRelErr(got: Float32Array, want: Float64Array): number {
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!) / (1e-3 + Math.abs(want[i]!)));
  return Number.isNaN(got.reduce((a, b) => a + b, 0)) ? Infinity : worst;
}

async function runChecks() {
  const engine = await init();
  const [M, K, N] = [33, 17, 12];
  const rnd = (n: number, s: number) => Float64Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + s) * 2);
  const a = Float64Array.from(new Float32Array(rnd(M * K, 1)));
  const b = Float64Array.from(new Float32Array(rnd(K * N, 2)));
  const r = Float64Array.from(new Float32Array(rnd(M * N, 3)));
  const A = tensor(Float32Array.from(a), [M, K], { requiresGrad: true });
  const B = tensor(Float32Array.from(b), [K, N], { requiresGrad: true });
  const C = tidy(() => {
    const c = F.matmul(A, B);
    c.mul(tensor(Float32Array.from(r), [M, N])).sum().backward(); // L = Σ C·R
    return c;
  });
  const want = ref.matmul(a, [M, K], b, [K, N]).data;
  // dL/dA = R·Bᵀ, dL/dB = Aᵀ·R
  const dA = ref.matmul(r, [M, N], b, [K, N], false, true).data;
  const dB = ref.matmul(a, [M, K], r, [M, N], true, false).data;
  return {
    adapter: engine.description,
    software: engine.adapter.software,
    forward: maxRelErr(await C.toArray(), want),
    gradA: maxRelErr(await A.grad!.toArray(), dA),
    gradB: maxRelErr(await B.grad!.toArray(), dB),
  };
}

/**
 * The image pipeline in the browser: fetch + createImageBitmap decoding, item transforms, the GPU
 * batch kernel, then a prediction from a vision learner. Returns the batch for the test to check.
 */
async function runImageChecks(urls: string[]) {
  await init();
  const dls = ImageDataLoaders.fromLists('', urls, urls.map((u) => u.split('/').at(-1)!.split('_')[0]!), { validPct: 0, bs: urls.length, itemTfms: [Resize(8, { method: 'squish' })] });
  let batch: { items: string[]; values: number[]; shape: readonly number[] } | null = null;
  for await (const b of dls.train) {
    batch = { items: b.items, values: Array.from(await b.x.toArray()), shape: b.x.shape };
    b.x.dispose();
  }
  const learn = visionLearner(dls, resnet18, { output: { line: () => {}, status: () => {} } });
  const p = await learn.predict(urls[0]!);
  return { batch, vocab: dls.vocab, label: p.label, probSum: p.probs.reduce((a, b) => a + b, 0) };
}

Object.assign(globalThis, { runChecks, runImageChecks });
