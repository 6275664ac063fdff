// Runs in the page: the same core, through the browser entry (navigator.gpu, bundled shaders).
// Checks a matmul and its gradients against the f64 reference and reports what it found.

import { convGeometry, convRung, F, ImageDataLoaders, init, melSpectrograms, resolveMelOptions, Resize, resnet18, seriesFields, tensor, tidy, visionLearner } from '../../src/browser/index.js';
import * as ref from '../../src/reference/index.js';
import { conv2d as refConv, conv2dGrads } from '../../src/reference/conv.js';
import { gramianRef, markovRef, recurrenceRef } from '../../src/reference/series.js';
import { melSpectrogramRef } from '../../src/reference/signal.js';

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

/**
 * The CPU-adapter kernel family at this adapter's subgroup width (4 on SwiftShader): the panel
 * matmul with K split over dispatches, and the panel conv rung's three directions on a stride-2
 * and the 7×7 stem, each against the f64 reference. Returns the worst error of each, relative to the largest value.
 */
/** Worst |error| relative to the largest reference value (long sums make near-zero outputs noisy). */
function maxScaledErr(got: Float32Array, want: Float64Array): number {
  const scale = Math.max(1, ...want.map(Math.abs));
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!) / scale);
  return Number.isNaN(got.reduce((p, q) => p + q, 0)) ? Infinity : worst;
}

async function runPanelChecks() {
  const engine = await init();
  const rnd = (n: number, s: number) => Float64Array.from(new Float32Array(Float64Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + s) * 2)));
  const out: Record<string, number | string | null> = { adapter: engine.description, subgroupSize: engine.adapter.subgroupSize };
  const [M, K, N] = [37, 1100, 70];
  const a = rnd(M * K, 1);
  const b = rnd(K * N, 2);
  out.matmul = maxScaledErr(await F.matmul(tensor(Float32Array.from(a), [M, K]), tensor(Float32Array.from(b), [K, N]), { impl: 'panel' }).toArray(), ref.matmul(a, [M, K], b, [K, N]).data);
  const cases = [
    { name: 'stride2', xs: [2, 8, 9, 11], ws: [12, 8, 3, 3], stride: [2, 2], padding: [1, 1] },
    { name: 'stem', xs: [1, 3, 13, 12], ws: [16, 3, 7, 7], stride: [2, 2], padding: [3, 3] },
  ] as const;
  for (const c of cases) {
    const opts = { stride: [...c.stride] as [number, number], padding: [...c.padding] as [number, number], dilation: [1, 1] as [number, number], groups: 1 };
    const g = convGeometry(c.xs, c.ws, opts);
    const x = rnd(c.xs.reduce((p: number, q: number) => p * q, 1), 3);
    const w = rnd(c.ws.reduce((p: number, q: number) => p * q, 1), 4);
    const dy = rnd(g.N * g.O * g.OH * g.OW, 5);
    const grads = conv2dGrads(x, [...c.xs], w, [...c.ws], dy, opts);
    const panel = convRung('panel');
    const [xt, wt, dyt] = [tensor(Float32Array.from(x), c.xs), tensor(Float32Array.from(w), c.ws), tensor(Float32Array.from(dy), [g.N, g.O, g.OH, g.OW])];
    out[`${c.name} forward`] = maxScaledErr(await panel.forward(g, xt, wt, null).toArray(), refConv(x, [...c.xs], w, [...c.ws], null, opts).data);
    out[`${c.name} inputGrad`] = maxScaledErr(await panel.inputGrad(g, dyt, wt).toArray(), grads.dx.data);
    out[`${c.name} weightGrad`] = maxScaledErr(await panel.weightGrad(g, dyt, xt).toArray(), grads.dw.data);
  }
  return out;
}

/**
 * The non-image converters' kernels on this adapter: log-mel spectrograms (a mixed-radix FFT:
 * nFft 400 = 4·4·5·5, and the mel matmul) of signals of three lengths in one batch, and the four
 * time-series fields, each against its f64 reference. Returns the worst absolute error of each
 * (dB for the spectrograms), and how many spectrogram bins were compared.
 */
async function runConvertChecks() {
  await init();
  const out: Record<string, number> = {};
  const sr = 16000;
  const signals = [900, 2000, 3333].map((n, k) => Float32Array.from({ length: n }, (_, t) => 0.5 * Math.sin((2 * Math.PI * (300 + 700 * k) * t) / sr) + 0.1 * Math.sin(0.0007 * t * t)));
  const opts = { sampleRate: sr, nFft: 400, hop: 160, nMels: 40 };
  const specs = await melSpectrograms(signals, opts);
  const o = resolveMelOptions(opts);
  // Within 80 dB of each spectrogram's maximum (all that its image shows): further down, f32
  // power sums are rounding noise, in Node as here.
  let compared = 0;
  out.melSpectrogram = Math.max(...specs.map((spec, k) => {
    const ref = melSpectrogramRef(signals[k]!, o);
    const floor = Math.max(...ref.db) - 80;
    if (spec.frames !== ref.frames) return Infinity;
    return Math.max(...ref.db.map((v, i) => (v < floor ? 0 : (compared++, Math.abs(spec.db[i]! - v)))));
  }));
  out.melBinsCompared = compared;
  let v = 0;
  const walk = Array.from({ length: 60 }, (_, t) => (v += Math.sin(t * 12.9898) * 2));
  const size = 16;
  const refs = { gasf: gramianRef(walk, size, 'summation'), gadf: gramianRef(walk, size, 'difference'), mtf: markovRef(walk, size), rp: recurrenceRef(walk, size) } as const;
  for (const [method, ref] of Object.entries(refs)) {
    const [field] = await seriesFields([walk], method as keyof typeof refs, { size });
    const scale = Math.max(1, ...ref.map(Math.abs));
    out[method] = field!.length === ref.length ? Math.max(...ref.map((r, i) => Math.abs(field![i]! - r))) / scale : Infinity;
  }
  return out;
}

Object.assign(globalThis, { runChecks, runImageChecks, runPanelChecks, runConvertChecks });
