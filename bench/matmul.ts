// Matmul rows: each wgslnet kernel and TF.js's WebGPU matmul, same sizes, same adapter, same run.
// Check, then time: every kernel's C is compared with the naive kernel's (itself tested against the
// f64 reference) before it is timed. Each timed call waits for the GPU (ours: sync; TF.js: reading
// one element, which waits for everything before it), so neither side times a large readback.

import { F, randn, sync, type MatmulImpl } from '../src/node/index.js';
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
      const one = c.reshape([-1]).slice(0, 1);
      await one.data();
      one.dispose();
      c.dispose();
    }, n >= 2048 ? 1 : 3);
    rows.push({ name: `matmul ${n}³`, impl: 'tfjs-webgpu', seconds: tfTime, flops, peak, peer: tfTime });
    const want = await F.matmul(a, b, { impl: 'naive' }).toArray();
    const scale = want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    for (const impl of ['naive', 'tiled', 'rowblock', 'panel'] as MatmulImpl[]) {
      const got = await F.matmul(a, b, { impl }).toArray();
      let err = 0;
      for (let i = 0; i < want.length; i++) err = Math.max(err, Math.abs(got[i]! - want[i]!));
      const s = await timeAsync(async () => {
        F.matmul(a, b, { impl }).dispose();
        await sync();
      }, impl === 'naive' && n >= 1024 ? 1 : 3);
      rows.push({ name: `matmul ${n}³`, impl, seconds: s, flops, peak, peer: tfTime, error: err / scale, reference: impl === 'naive' });
    }
    a.dispose();
    b.dispose();
    ta.dispose();
    tb.dispose();
  }
  return rows;
}
