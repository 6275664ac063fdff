// Conv rows: the ResNet-18 layer shapes, forward / dX / dW, for every rung of the convolution
// ladder and for TF.js's WebGPU kernels (Conv2D, Conv2DBackpropInput, Conv2DBackpropFilter, run
// directly in their native NHWC layout) on the same adapter in the same run.
// Check, then time: each rung's result is compared with the naive rung's (itself tested against
// the f64 reference) before it is timed, and the error is printed beside the time.

import { randn, sync, type Tensor } from '../src/node/index.js';
import { convGeometry, convFlops } from '../src/ops/convGeometry.js';
import { convLadder, convRung, type ConvRungName } from '../src/ops/convLadder.js';
import type { Peak } from '../src/gpu/peak.js';
import { loadTfjs } from './tfjs.js';
import { timeAsync, type Row } from './timing.js';

export interface ConvShape {
  name: string;
  x: [number, number, number, number]; // NCHW
  o: number;
  k: number;
  stride: number;
  pad: number;
}

/** The ResNet-18 convolutions (stem at a 64×64 input; stages at the ImageNet sizes). */
export function resnet18Shapes(batch: number): ConvShape[] {
  return [
    { name: 'stem 7×7/2', x: [batch, 3, 64, 64], o: 64, k: 7, stride: 2, pad: 3 },
    { name: '3×3/1 56²·64', x: [batch, 64, 56, 56], o: 64, k: 3, stride: 1, pad: 1 },
    { name: '3×3/2 56²·64→128', x: [batch, 64, 56, 56], o: 128, k: 3, stride: 2, pad: 1 },
    { name: '3×3/1 28²·128', x: [batch, 128, 28, 28], o: 128, k: 3, stride: 1, pad: 1 },
    { name: '3×3/1 14²·256', x: [batch, 256, 14, 14], o: 256, k: 3, stride: 1, pad: 1 },
    { name: '3×3/1 7²·512', x: [batch, 512, 7, 7], o: 512, k: 3, stride: 1, pad: 1 },
    { name: '1×1/2 56²·64→128', x: [batch, 64, 56, 56], o: 128, k: 1, stride: 2, pad: 0 },
  ];
}

/** max |a − b| / max |b|: the error of a rung against the naive rung's result. */
async function relativeError(got: Tensor, want: Float32Array): Promise<number> {
  const g = await got.toArray();
  let err = 0;
  let scale = 0;
  for (let i = 0; i < want.length; i++) {
    err = Math.max(err, Math.abs(g[i]! - want[i]!));
    scale = Math.max(scale, Math.abs(want[i]!));
  }
  return Number.isNaN(g.reduce((a, b) => a + b, 0)) ? Infinity : err / Math.max(scale, 1e-30);
}

export async function benchConv(peak: Peak, shapes: ConvShape[], rungs: ConvRungName[]): Promise<Row[]> {
  const tf = await loadTfjs();
  const rows: Row[] = [];
  for (const s of shapes) {
    const [N, C, H, W] = s.x;
    const g = convGeometry(s.x, [s.o, C, s.k, s.k], { stride: s.stride, padding: s.pad });
    const flops = convFlops(g);
    const x = randn(s.x);
    const w = randn([s.o, C, s.k, s.k]);
    const dy = randn([N, s.o, g.OH, g.OW]);

    // TF.js: NHWC input, HWIO filter, explicit PyTorch-style padding. Reading one element back
    // waits for the kernel (the queue runs in order) without timing a large readback.
    const tx = tf.randomNormal([N, H, W, C]);
    const tw = tf.randomNormal([s.k, s.k, C, s.o]);
    const tdy = tf.randomNormal([N, g.OH, g.OW, s.o]);
    const pad = [[0, 0], [s.pad, s.pad], [s.pad, s.pad], [0, 0]] as [[number, number], [number, number], [number, number], [number, number]];
    const attrs = { strides: [s.stride, s.stride], pad, dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: undefined };
    const tfRun = (kernel: string, inputs: Record<string, unknown>, extra: Record<string, unknown>) => async () => {
      const r = tf.engine().runKernel(kernel, inputs as never, { ...attrs, ...extra } as never) as import('@tensorflow/tfjs-core').Tensor;
      const one = r.reshape([-1]).slice(0, 1);
      await one.data();
      one.dispose();
      r.dispose();
    };
    const tfTimes = {
      forward: await timeAsync(tfRun('Conv2D', { x: tx, filter: tw }, {}), 1),
      dX: await timeAsync(tfRun('Conv2DBackpropInput', { dy: tdy, filter: tw }, { inputShape: [N, H, W, C] }), 1),
      dW: await timeAsync(tfRun('Conv2DBackpropFilter', { x: tx, dy: tdy }, { filterShape: [s.k, s.k, C, s.o] }), 1),
    };
    for (const [dir, t] of Object.entries(tfTimes)) rows.push({ name: `${s.name} ${dir}`, impl: 'tfjs-webgpu', seconds: t, flops, peak, peer: t });

    // The reference for the check: the naive rung.
    const naive = convRung('naive');
    const want = {
      forward: await naive.forward(g, x, w, null).toArray(),
      dX: await naive.inputGrad(g, dy, w).toArray(),
      dW: await naive.weightGrad(g, dy, x).toArray(),
    };
    for (const rung of convLadder().filter((r) => rungs.includes(r.name))) {
      const why = rung.eligible(g);
      if (why !== true) {
        console.log(`  (${s.name}: ${rung.name} cannot run it: ${why})`);
        continue;
      }
      const run = { forward: () => rung.forward(g, x, w, null), dX: () => rung.inputGrad(g, dy, w), dW: () => rung.weightGrad(g, dy, x) };
      for (const dir of ['forward', 'dX', 'dW'] as const) {
        const error = rung.name === 'naive' ? 0 : await relativeError(run[dir](), want[dir]);
        const seconds = await timeAsync(async () => {
          run[dir]().dispose();
          await sync();
        }, rung.name === 'naive' ? 1 : 3);
        rows.push({ name: `${s.name} ${dir}`, impl: rung.name, seconds, flops, peak, peer: tfTimes[dir], error, reference: rung.name === 'naive' });
      }
    }
    for (const t of [x, w, dy]) t.dispose();
    for (const t of [tx, tw, tdy]) t.dispose();
  }
  return rows;
}
