// Training-step rows: ResNet-18 (and ResNet-50) forward + backward + Adam step, wgslnet beside
// TF.js's WebGPU backend running the same network built from its ops (TF.js has no ResNet), on the
// same adapter in the same run. Reports images/s, peak GPU memory held by tensors, whether the
// GPU buffer count stayed flat, and the main thread's CPU time per step.
// Like a training loop, each step reads the loss of the step before it (the GPU never idles
// waiting for the host, and the host waits once per step).

import { readFileSync } from 'node:fs';
import { F, memory, models, optim, profile, randn, sync, tidy, type KernelTime, type Tensor } from '../src/node/index.js';
import { runtime, setGpuWait } from '../src/gpu/runtime.js';
import { quietly } from '../src/node/quietWait.js';
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
  /** CPU seconds the main thread used per step (Linux), and wall seconds per step. */
  hostCpuPerStep?: number;
  wallPerStep?: number;
}

/** CPU seconds the main thread has used (utime + stime of /proc/self/task/<pid>), or null off Linux. */
function mainThreadCpu(): number | null {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return null;
  }
}

function splitByFamily(times: KernelTime[]): Record<string, number> {
  const total = times.reduce((s, t) => s + t.ms, 0);
  const out: Record<string, number> = {};
  for (const t of times) out[t.family] = (out[t.family] ?? 0) + t.ms / total;
  return out;
}

/**
 * `spin`: wait for the GPU the way Dawn's Node binding does by itself (its polling spins the main
 * thread) instead of through quietWait.ts — the "before" of that change, measured in the same run.
 */
export async function benchTrainWgslnet(arch: 'resnet18' | 'resnet50', batch: number, size: number, steps: number, opts: { spin?: boolean } = {}): Promise<TrainRow> {
  const model = models[arch]({ numClasses: 10 });
  const opt = optim.fastaiAdam(model.parameters(), { lr: 1e-3 });
  const x = randn([batch, 3, size, size]);
  const y = Array.from({ length: batch }, (_, i) => i % 10);
  let pending: Tensor | null = null;
  const step = async () => {
    const loss = tidy(() => {
      const l = F.crossEntropy(model.forward(x), y);
      l.backward();
      return l;
    });
    opt.step();
    opt.zeroGrad();
    // Read the previous step's loss while this one runs.
    if (pending) {
      await pending.item();
      pending.dispose();
    }
    pending = loss;
  };
  if (opts.spin) setGpuWait((start) => start());
  // This row's peak memory, not the largest of every earlier bench section.
  const pool = runtime().pool;
  pool.peakInUseBytes = pool.inUseBytes;
  try {
    // Two warm-up steps: the first creates the optimizer state (taking pooled buffers), the second
    // settles the pool; from then on a step must create no GPU buffers.
    await step();
    await step();
    await sync();
    const buffersBefore = memory().buffers;
    const cpu0 = mainThreadCpu();
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) await step();
    await sync();
    const seconds = (performance.now() - t0) / 1000;
    const cpu1 = mainThreadCpu();
    const buffersFlat = memory().buffers === buffersBefore;
    const split = opts.spin ? undefined : splitByFamily(await profile(step));
    (pending as Tensor | null)?.dispose();
    model.dispose();
    x.dispose();
    return {
      workload: `${arch} train step, batch ${batch}, ${size}²`,
      impl: opts.spin ? 'wgslnet, host spinning' : 'wgslnet',
      imagesPerSecond: (steps * batch) / seconds,
      peakMiB: memory().peakBytesInUse / 2 ** 20,
      buffersFlat,
      split,
      hostCpuPerStep: cpu0 === null || cpu1 === null ? undefined : (cpu1 - cpu0) / steps,
      wallPerStep: seconds / steps,
    };
  } finally {
    setGpuWait(quietly);
  }
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
    const host = r.hostCpuPerStep !== undefined && r.wallPerStep ? `${(1000 * r.hostCpuPerStep).toFixed(0)} / ${(1000 * r.wallPerStep).toFixed(0)} ms` : '';
    const main = `${r.workload.padEnd(36)}${r.impl.padEnd(24)}${r.imagesPerSecond.toFixed(2).padStart(10)}${r.peakMiB !== undefined ? r.peakMiB.toFixed(0).padStart(12) : ''.padStart(12)}${r.buffersFlat !== undefined ? String(r.buffersFlat).padStart(14) : ''.padStart(14)}${host.padStart(22)}`;
    const split = r.split ? `\n    GPU time: ${Object.entries(r.split).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${(100 * v).toFixed(1)} %`).join(', ')}` : '';
    return main + split;
  });
  return [`${'workload'.padEnd(36)}${'impl'.padEnd(24)}${'images/s'.padStart(10)}${'peak MiB'.padStart(12)}${'buffers flat'.padStart(14)}${'main-thread CPU / wall'.padStart(22)}`, ...lines].join('\n');
}
