// npm run bench — numbers, not pass/fail. Prints the adapter, its measured roofline, then every
// workload for each wgslnet implementation beside TF.js's WebGPU backend from the same run.
//   npm run bench -- --sizes 256,512      (matmul sizes; default 256,512,1024,2048)

import { init } from '../src/node/index.js';
import { benchMatmul } from './matmul.js';
import { measurePeak } from './peak.js';
import { formatTable } from './timing.js';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const sizes = (arg('sizes') ?? '256,512,1024,2048').split(',').map(Number);

const engine = await init();
console.log(`adapter: ${engine.description}`);
const peak = await measurePeak();
console.log(`measured peak: ${peak.gflops.toFixed(1)} GFLOP/s (vec4 FMA chains), ${peak.gbps.toFixed(2)} GB/s (vec4 copy)\n`);
const rows = await benchMatmul(peak, sizes);
console.log(formatTable(rows));
