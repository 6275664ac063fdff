// npm run bench — numbers, not pass/fail. Prints the adapter, its measured roofline, then every
// workload for each wgslnet implementation beside TF.js's WebGPU backend from the same run.
//   npm run bench -- --only matmul,conv,fusion,train   (which sections; default all)
//   npm run bench -- --sizes 256,512      (matmul sizes; default 256,512,1024,2048)
//   npm run bench -- --batch 8            (conv batch; default 32, as the ResNet-18 rows)
//   npm run bench -- --conv-impls implicit,panel  (rungs of the conv ladder; default all four)
//   npm run bench -- --train-steps 200    (timed ResNet-18 training steps; default 5. The buffer
//                                          count is checked flat over all of them)

import { init } from '../src/node/index.js';
import { benchConv, resnet18Shapes } from './conv.js';
import { benchFusion, formatFusion } from './fusion.js';
import { benchMatmul } from './matmul.js';
import { benchTrainTfjs, benchTrainWgslnet, formatTrain } from './train.js';
import type { ConvRungName } from '../src/ops/convLadder.js';
import { availableParallelism, loadavg } from 'node:os';
import { measurePeak } from '../src/gpu/peak.js';
import { formatTable } from './timing.js';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const sizes = (arg('sizes') ?? '256,512,1024,2048').split(',').map(Number);
const only = new Set((arg('only') ?? 'matmul,conv,fusion,train').split(','));
const batch = Number(arg('batch') ?? 32);
const convImpls = (arg('conv-impls') ?? 'naive,im2col,implicit,panel').split(',') as ConvRungName[];
const trainSteps = Number(arg('train-steps') ?? 5);

const engine = await init();
const load = () => `load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${availableParallelism()} cores`;
console.log(`adapter: ${engine.description}`);
console.log(load());
const peak = await measurePeak();
console.log(`measured peak: ${peak.gflops.toFixed(1)} GFLOP/s (fma_peak.wgsl, vec4 chains), ${peak.gflopsSpillFree.toFixed(1)} GFLOP/s (fma_peak2.wgsl, spill-free), ${peak.gbps.toFixed(2)} GB/s (vec4 copy)\n`);
if (only.has('matmul')) console.log(formatTable(await benchMatmul(peak, sizes)) + '\n');
if (only.has('conv')) {
  console.log(`conv2d, ResNet-18 shapes, batch ${batch} (FLOPs = 2·N·O·OH·OW·C·KH·KW for each direction)`);
  console.log(formatTable(await benchConv(peak, resnet18Shapes(batch), convImpls)) + '\n');
}
if (only.has('fusion')) {
  const shape = [Math.min(batch, 8), 64, 56, 56];
  console.log(`fusion, activation [${shape.join(', ')}] (separate passes vs one fused kernel)`);
  console.log(formatFusion(await benchFusion(shape)) + '\n');
}
if (only.has('train')) {
  console.log('training step (forward + backward + Adam), 10 classes');
  console.log(`(ResNet-18: ${trainSteps} timed steps)`);
  const rows = [
    await benchTrainWgslnet('resnet18', 16, 64, trainSteps),
    await benchTrainWgslnet('resnet18', 16, 64, Math.min(trainSteps, 5), { spin: true }),
    await benchTrainTfjs(16, 64, 3),
    await benchTrainWgslnet('resnet18', 64, 28, Math.min(trainSteps, 5)),
    await benchTrainTfjs(64, 28, 2),
    await benchTrainWgslnet('resnet50', 8, 64, 3),
  ];
  console.log(formatTrain(rows) + '\n');
}
console.log(load());
