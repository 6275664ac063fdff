// Training-step rows: ResNet-18 (and ResNet-50) forward + backward + Adam step, wgslnet beside
// TF.js's WebGPU backend running the same network built from its ops (TF.js has no ResNet), on the
// same adapter in the same run. Reports images/s, peak GPU memory held by tensors, and whether the
// GPU buffer count stayed flat.

import { F, memory, models, optim, profile, randn, sync, tidy, type KernelTime } from '../src/node/index.js';
import { loadTfjs } from './tfjs.js';
import { tfResnet18 } from './tfjsResnet.js';


export interface TrainRow {
  workload: string;
  impl: string;
  imagesPerSecond: number;
  peakMiB?: number;
  buffersFlat?: boolean;
  /** Share of GPU time per kernel family in one profiled step. */
  split?: Record<string, number>;
}

function splitByFamily(times: KernelTime[]): Record<string, number> {
  const total = times.reduce((s, t) => s + t.ms, 0);
  const out: Record<string, number> = {};
  for (const t of times) out[t.family] = (out[t.family] ?? 0) + t.ms / total;
  return out;
}

export async function benchTrainWgslnet(arch: 'resnet18' | 'resnet50', batch: number, size: number, steps: number): Promise<TrainRow> {
  const model = models[arch]({ numClasses: 10 });
  const opt = optim.fastaiAdam(model.parameters(), { lr: 1e-3 });
  const x = randn([batch, 3, size, size]);
  const y = Array.from({ length: batch }, (_, i) => i % 10);
  const step = () => {
    tidy(() => F.crossEntropy(model.forward(x), y).backward());
    opt.step();
    opt.zeroGrad();
  };
  // Two warm-up steps: the first creates the optimizer state (taking pooled buffers), the second
  // settles the pool; from then on a step must create no GPU buffers.
  step();
  step();
  await sync();
  const buffersBefore = memory().buffers;
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) step();
  await sync();
  const seconds = (performance.now() - t0) / 1000;
  const buffersFlat = memory().buffers === buffersBefore;
  const split = splitByFamily(await profile(step));
  const row = { workload: `${arch} train step, batch ${batch}, ${size}²`, impl: 'wgslnet', imagesPerSecond: (steps * batch) / seconds, peakMiB: memory().peakBytesInUse / 2 ** 20, buffersFlat, split };
  model.dispose();
  x.dispose();
  return row;
}

export async function benchTrainTfjs(batch: number, size: number, steps: number): Promise<TrainRow> {
  const tf = await loadTfjs();
  const net = tfResnet18(tf, 10);
  const opt = tf.train.adam(1e-3, 0.9, 0.99, 1e-5);
  const x = tf.randomNormal([batch, size, size, 3]);
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 10), 'int32'), 10);
  const step = async () => {
    const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, net.forward(x)) as import('@tensorflow/tfjs-core').Scalar, true, net.vars);
    await loss!.data();
    loss!.dispose();
  };
  await step();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) await step();
  const seconds = (performance.now() - t0) / 1000;
  x.dispose();
  y.dispose();
  net.vars.forEach((v) => v.dispose());
  return { workload: `resnet18 train step, batch ${batch}, ${size}²`, impl: 'tfjs-webgpu', imagesPerSecond: (steps * batch) / seconds };
}

export function formatTrain(rows: TrainRow[]): string {
  const lines = rows.map((r) => {
    const main = `${r.workload.padEnd(36)}${r.impl.padEnd(13)}${r.imagesPerSecond.toFixed(2).padStart(10)}${r.peakMiB !== undefined ? r.peakMiB.toFixed(0).padStart(12) : ''.padStart(12)}${r.buffersFlat !== undefined ? String(r.buffersFlat).padStart(14) : ''}`;
    const split = r.split ? `\n    GPU time: ${Object.entries(r.split).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${(100 * v).toFixed(1)} %`).join(', ')}` : '';
    return main + split;
  });
  return [`${'workload'.padEnd(36)}${'impl'.padEnd(13)}${'images/s'.padStart(10)}${'peak MiB'.padStart(12)}${'buffers flat'.padStart(14)}`, ...lines].join('\n');
}
