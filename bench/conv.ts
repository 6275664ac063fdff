// Conv rows: the ResNet-18 layer shapes, forward / dX / dW, for each wgslnet implementation and for
// TF.js's WebGPU kernels (Conv2D, Conv2DBackpropInput, Conv2DBackpropFilter, run directly in their
// native NHWC layout) on the same adapter in the same run.

import { F, randn, type Tensor } from '../src/node/index.js';
import { conv2dInputGrad, conv2dWeightGrad, type ConvImpl } from '../src/ops/conv.js';
import { convGeometry } from '../src/ops/convGeometry.js';
import type { Peak } from '../src/gpu/peak.js';
import { loadTfjs } from './tfjs.js';
import { timeAsync, type Row } from './timing.js';
import { runtime } from '../src/gpu/runtime.js';

const maxBinding = () => runtime().device.limits.maxStorageBufferBindingSize;

export interface ConvShape {
  name: string;
  x: [number, number, number, number]; // NCHW
  o: number;
  k: number;
  stride: number;
  pad: number;
}

/** The ResNet-18 convolutions (stem at a 64×64 input; stages at the ImageNet sizes the issue names). */
export function resnet18Shapes(batch: number): ConvShape[] {
  return [
    { name: 'stem 7×7/2', x: [batch, 3, 64, 64], o: 64, k: 7, stride: 2, pad: 3 },
    { name: '3×3/1 56²·64', x: [batch, 64, 56, 56], o: 64, k: 3, stride: 1, pad: 1 },
    { name: '3×3/1 28²·128', x: [batch, 128, 28, 28], o: 128, k: 3, stride: 1, pad: 1 },
    { name: '3×3/1 14²·256', x: [batch, 256, 14, 14], o: 256, k: 3, stride: 1, pad: 1 },
    { name: '3×3/1 7²·512', x: [batch, 512, 7, 7], o: 512, k: 3, stride: 1, pad: 1 },
    { name: '3×3/2 56²·64→128', x: [batch, 64, 56, 56], o: 128, k: 3, stride: 2, pad: 1 },
    { name: '1×1/2 56²·64→128', x: [batch, 64, 56, 56], o: 128, k: 1, stride: 2, pad: 0 },
  ];
}

export async function benchConv(peak: Peak, shapes: ConvShape[], impls: ConvImpl[]): Promise<Row[]> {
  const tf = await loadTfjs();
  const rows: Row[] = [];
  for (const s of shapes) {
    const [N, C, H, W] = s.x;
    const opts = { stride: s.stride, padding: s.pad };
    const g = convGeometry(s.x, [s.o, C, s.k, s.k], opts);
    const flops = 2 * N * s.o * g.OH * g.OW * C * s.k * s.k;
    const x = randn(s.x);
    const w = randn([s.o, C, s.k, s.k]);
    const dy = randn([N, s.o, g.OH, g.OW]);

    // TF.js: NHWC input, HWIO filter, explicit PyTorch-style padding.
    const tx = tf.randomNormal([N, H, W, C]);
    const tw = tf.randomNormal([s.k, s.k, C, s.o]);
    const tdy = tf.randomNormal([N, g.OH, g.OW, s.o]);
    const pad = [[0, 0], [s.pad, s.pad], [s.pad, s.pad], [0, 0]] as [[number, number], [number, number], [number, number], [number, number]];
    const attrs = { strides: [s.stride, s.stride], pad, dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: undefined };
    const tfRun = (kernel: string, inputs: Record<string, unknown>, extra: Record<string, unknown>) => async () => {
      const r = tf.engine().runKernel(kernel, inputs as never, { ...attrs, ...extra } as never) as import('@tensorflow/tfjs-core').Tensor;
      await r.data();
      r.dispose();
    };
    const tfTimes = {
      forward: await timeAsync(tfRun('Conv2D', { x: tx, filter: tw }, {}), 1),
      dX: await timeAsync(tfRun('Conv2DBackpropInput', { dy: tdy, filter: tw }, { inputShape: [N, H, W, C] }), 1),
      dW: await timeAsync(tfRun('Conv2DBackpropFilter', { x: tx, dy: tdy }, { filterShape: [s.k, s.k, C, s.o] }), 1),
    };
    for (const [dir, t] of Object.entries(tfTimes)) rows.push({ name: `${s.name} ${dir}`, impl: 'tfjs-webgpu', seconds: t, flops, peak, peer: t });

    const read = async (t: Tensor) => {
      await t.toArray();
      t.dispose();
    };
    for (const impl of impls) {
      const samples = impl === 'naive' ? 1 : 2;
      // im2col materialises an [N·OH·OW, C·KH·KW] matrix: past the device's binding limit it
      // cannot run at all, which is the point of the implicit version.
      const colsBytes = N * g.OH * g.OW * C * s.k * s.k * 4;
      if (impl === 'im2col' && colsBytes > maxBinding()) {
        console.log(`  (${s.name}: im2col skipped — its ${(colsBytes / 2 ** 20).toFixed(0)} MiB column matrix exceeds the ${(maxBinding() / 2 ** 20).toFixed(0)} MiB binding limit)`);
        continue;
      }
      const fwd = await timeAsync(() => read(F.conv2d(x, w, null, { ...opts, impl })), samples);
      // The implicit dX kernel needs C % 4 = 0; the stem (C = 3) never needs dX in training anyway.
      const hasDx = impl !== 'implicit' || C % 4 === 0;
      const dX = hasDx ? await timeAsync(() => read(conv2dInputGrad(g, dy, w, impl)), samples) : 0;
      const dW = await timeAsync(() => read(conv2dWeightGrad(g, dy, x, impl)), samples);
      rows.push({ name: `${s.name} forward`, impl, seconds: fwd, flops, peak, peer: tfTimes.forward });
      if (hasDx) rows.push({ name: `${s.name} dX`, impl, seconds: dX, flops, peak, peer: tfTimes.dX });
      rows.push({ name: `${s.name} dW`, impl, seconds: dW, flops, peak, peer: tfTimes.dW });
    }
    for (const t of [x, w, dy]) t.dispose();
    for (const t of [tx, tw, tdy]) t.dispose();
  }
  return rows;
}
