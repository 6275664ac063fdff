// Training-step rows: ResNet-18 (and ResNet-50) forward + backward + Adam step, wgslnet beside
// TF.js's WebGPU backend running the same network built from its ops (TF.js has no ResNet), on the
// same adapter in the same run. Reports images/s, peak GPU memory held by tensors, and whether the
// GPU buffer count stayed flat.

import { F, memory, models, optim, profile, randn, sync, tidy, type KernelTime } from '../src/node/index.js';
import { loadTfjs } from './tfjs.js';

type Tf = Awaited<ReturnType<typeof loadTfjs>>;
type T = import('@tensorflow/tfjs-core').Tensor;

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

/** ResNet-18 from TF.js ops, NHWC, BatchNorm in training mode (batch statistics). */
function tfResnet18(tf: Tf, numClasses: number) {
  const vars: import('@tensorflow/tfjs-core').Variable[] = [];
  const conv = (k: number, cin: number, cout: number) => {
    const v = tf.variable(tf.randomNormal([k, k, cin, cout], 0, Math.sqrt(2 / (k * k * cout))));
    vars.push(v);
    return v;
  };
  const bn = (c: number) => {
    const g = tf.variable(tf.ones([c]));
    const b = tf.variable(tf.zeros([c]));
    vars.push(g, b);
    return (x: T) => {
      const { mean, variance } = tf.moments(x, [0, 1, 2]);
      return tf.batchNorm(x, mean, variance, b, g, 1e-5);
    };
  };
  const same = (k: number, s: number) => [[0, 0], [(k - 1) >> 1, (k - 1) >> 1], [(k - 1) >> 1, (k - 1) >> 1], [0, 0]] as [[number, number], [number, number], [number, number], [number, number]];
  const c1 = conv(7, 3, 64);
  const b1 = bn(64);
  type Block = (x: T) => T;
  const blocks: Block[] = [];
  let cin = 64;
  for (const [planes, stride] of [[64, 1], [128, 2], [256, 2], [512, 2]] as const) {
    for (let i = 0; i < 2; i++) {
      const s = i === 0 ? stride : 1;
      const w1 = conv(3, cin, planes), n1 = bn(planes), w2 = conv(3, planes, planes), n2 = bn(planes);
      const down = s !== 1 || cin !== planes ? { w: conv(1, cin, planes), n: bn(planes) } : null;
      blocks.push((x) => {
        const h = tf.relu(n1(tf.conv2d(x as never, w1 as never, s, same(3, s)))) as T;
        const o = n2(tf.conv2d(h as never, w2 as never, 1, same(3, 1)));
        const id = down ? down.n(tf.conv2d(x as never, down.w as never, s, 0)) : x;
        return tf.relu(tf.add(o, id));
      });
      cin = planes;
    }
  }
  const fc = tf.variable(tf.randomNormal([512, numClasses], 0, 1 / Math.sqrt(512)));
  const fcb = tf.variable(tf.zeros([numClasses]));
  vars.push(fc, fcb);
  const forward = (x: T) => {
    let h = tf.relu(b1(tf.conv2d(x as never, c1 as never, 2, same(7, 2)))) as T;
    h = tf.maxPool(h as never, 3, 2, same(3, 2));
    for (const b of blocks) h = b(h);
    return tf.add(tf.matMul(tf.mean(h, [1, 2]), fc), fcb);
  };
  return { vars, forward };
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
