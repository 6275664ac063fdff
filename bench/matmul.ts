// Matmul rows: each wgslnet kernel and TF.js's WebGPU matmul, same sizes, same adapter, same run.
// Every timed call ends by reading C back, on both sides, so both pay the same for "done".

import { F, randn, type MatmulImpl } from '../src/node/index.js';
import type { Peak } from '../src/gpu/peak.js';
import { loadTfjs } from './tfjs.js';
import { timeAsync, type Row } from './timing.js';

export async function benchMatmul(peak: Peak, sizes: number[]): Promise<Row[]> {
  const tf = await loadTfjs();
  const rows: Row[] = [];
  for (const n of sizes) {
    const flops = 2 * n ** 3;
    const a = randn([n, n]);
    const b = randn([n, n]);
    const ta = tf.randomNormal([n, n]);
    const tb = tf.randomNormal([n, n]);
    const tfTime = await timeAsync(async () => {
      const c = tf.matMul(ta, tb);
      await c.data();
      c.dispose();
    }, n >= 2048 ? 1 : 3);
    rows.push({ name: `matmul ${n}³`, impl: 'tfjs-webgpu', seconds: tfTime, flops, peak, peer: tfTime });
    for (const impl of ['naive', 'tiled', 'rowblock'] as MatmulImpl[]) {
      const s = await timeAsync(async () => {
        const c = F.matmul(a, b, { impl });
        await c.toArray();
        c.dispose();
      }, impl === 'naive' && n >= 1024 ? 1 : 3);
      rows.push({ name: `matmul ${n}³`, impl, seconds: s, flops, peak, peer: tfTime });
    }
    a.dispose();
    b.dispose();
    ta.dispose();
    tb.dispose();
  }
  return rows;
}
