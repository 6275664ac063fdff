// The CPU-adapter kernel family (shaders/*/…_panel_w{4,8}.wgsl): the committed files are what the
// generator writes; a kernel of the wrong subgroup width refuses to run (the TypeScript check) and,
// if run anyway, poisons its output (the kernel's own check); and the panel matmul is right on
// the shapes the small op tests never reach: K split over dispatches, several panels, batches.

import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import { generateCpuKernels } from '../scripts/gen-cpu-kernels.mjs';
import { F, init, tensor } from '../src/node/index.js';
import { runtime } from '../src/gpu/runtime.js';
import { checkWidth, panelWidth } from '../src/ops/cpu/family.js';
import { MATMUL_PANEL_KERNELS } from '../src/ops/cpu/panelMatmul.js';
import { launch, output } from '../src/ops/launch.js';
import * as ref from '../src/reference/index.js';
import { Rng } from '../src/tensor/random.js';
import { setupGpu } from './helpers/gpu.js';

beforeAll(setupGpu);

describe('generated kernels', () => {
  const files = generateCpuKernels() as Record<string, string>;
  it('the generator writes both widths of matmul, conv and conv weight gradient', () => {
    expect(Object.keys(files).sort()).toEqual(
      ['conv/conv2d_panel_dw_w4.wgsl', 'conv/conv2d_panel_dw_w8.wgsl', 'conv/conv2d_panel_w4.wgsl', 'conv/conv2d_panel_w8.wgsl', 'matmul/matmul_panel_w4.wgsl', 'matmul/matmul_panel_w8.wgsl'],
    );
  });
  for (const [path, text] of Object.entries(files)) {
    it(`shaders/${path} is what scripts/gen-cpu-kernels.mjs writes (run it after editing the script)`, () => {
      expect(readFileSync(new URL(`../shaders/${path}`, import.meta.url), 'utf8') === text).toBe(true);
    });
  }
});

describe('subgroup width', () => {
  it('the adapter reports its subgroup size and the family runs at it', async () => {
    const engine = await init();
    const w = panelWidth();
    if (engine.adapter.subgroupSize === 8 || engine.adapter.subgroupSize === 4) expect(w).toBe(engine.adapter.subgroupSize);
    else expect(typeof w).toBe('string');
  });
  it('a kernel written for another width is refused, naming the file and both widths', async () => {
    await init();
    const size = runtime().adapter.subgroupSize;
    const other = size === 8 ? 4 : 8;
    expect(() => checkWidth(`matmul/matmul_panel_w${other}.wgsl`, other)).toThrow(
      new RegExp(`matmul_panel_w${other}.wgsl is written for ${other}-lane subgroups, but this adapter's subgroup size is ${size ?? 'unknown'}`),
    );
  });
  it('run anyway at the wrong width, a kernel writes NaN instead of a wrong number', async () => {
    const size = (await init()).adapter.subgroupSize;
    if (size !== 8 && size !== 4) return;
    const other = size === 8 ? 4 : 8;
    const a = tensor([1, 2, 3, 4], [1, 4]);
    const panels = tensor(new Float32Array(4 * 16384).fill(1)); // 4 windows of ones
    // C = A · B for a 1×4 A and a B of ones, by the kernel written for `width` lanes.
    const run = async (width: 4 | 8) => {
      const c = output([1, 1], 'test');
      launch('test', MATMUL_PANEL_KERNELS[width], {
        params: { M: 1, N: 1, K: 4, aOffset: 0, aBatchStride: 0, aRowStride: 4, aColStride: 1, cOffset: 0, cBatchStride: 1, col0: 0, k0: 0, accumulate: 0 },
        inputs: [a],
        outputs: [c],
        uniforms: [0, 1, 2, 3].map((i) => ({ t: panels, offset: i * 65536 })),
        workgroups: [1, 1, 1],
      });
      return (await c.toArray())[0];
    };
    expect(Number.isNaN(await run(other))).toBe(true);
    // The same kernel at its own width: 1+2+3+4.
    expect(await run(size)).toBe(10);
  });
});

/** Sums a batched gradient over its leading batch entries down to `shape`'s element count. */
function sumToSize(data: Float64Array, shape: number[]): Float64Array {
  const n = shape.reduce((x, y) => x * y);
  const out = new Float64Array(n);
  for (let i = 0; i < data.length; i++) out[i % n] = out[i % n]! + data[i]!;
  return out;
}

describe('panel matmul on large shapes (forward and both gradients against f64)', () => {
  const cases: { as: number[]; bs: number[]; transA?: boolean; transB?: boolean }[] = [
    { as: [37, 1500], bs: [1500, 70] }, // K split over two dispatches, 2 panels, partial rows and columns
    { as: [1300, 45], bs: [70, 1300], transA: true, transB: true }, // both transposed, K = 1300
    { as: [3, 33, 260], bs: [3, 260, 65] }, // batched B: one packing per batch entry
    { as: [4, 40, 9], bs: [9, 130] }, // a B shared by every batch entry
  ];
  for (const c of cases) {
    it(`${JSON.stringify(c.as)}${c.transA ? 'ᵀ' : ''} · ${JSON.stringify(c.bs)}${c.transB ? 'ᵀ' : ''}`, async () => {
      if (typeof panelWidth() === 'string') return;
      const rng = new Rng(3);
      const av = Float64Array.from(new Float32Array(c.as.reduce((x, y) => x * y)).map(() => rng.normal()));
      const bv = Float64Array.from(new Float32Array(c.bs.reduce((x, y) => x * y)).map(() => rng.normal()));
      const a = tensor(Float32Array.from(av), c.as, { requiresGrad: true });
      const b = tensor(Float32Array.from(bv), c.bs, { requiresGrad: true });
      const y = F.matmul(a, b, { transA: c.transA, transB: c.transB, impl: 'panel' });
      const want = ref.matmul(av, c.as, bv, c.bs, c.transA, c.transB);
      expect([...y.shape]).toEqual(want.shape);
      const gy = Float64Array.from(new Float32Array(want.data.length).map(() => rng.normal()));
      y.backward(tensor(Float32Array.from(gy), y.shape));
      // dA = G·op(B)ᵀ and dB = op(A)ᵀ·G, in each operand's stored layout (f64).
      const da = c.transA ? ref.matmul(bv, c.bs, gy, want.shape, c.transB, true) : ref.matmul(gy, want.shape, bv, c.bs, false, !c.transB);
      const db = c.transB ? ref.matmul(gy, want.shape, av, c.as, true, c.transA) : ref.matmul(av, c.as, gy, want.shape, !c.transA, false);
      const close = (what: string, got: Float32Array, w: Float64Array) => {
        const scale = Math.max(1, ...w.map(Math.abs));
        for (let i = 0; i < w.length; i++) if (!(Math.abs(got[i]! - w[i]!) <= 1e-5 * scale)) expect.fail(`${what}[${i}] = ${got[i]}, want ${w[i]}`);
      };
      close('C', await y.toArray(), want.data);
      // A shared B's gradient sums over the batch.
      close('dA', await a.grad!.toArray(), sumToSize(da.data, c.as));
      close('dB', await b.grad!.toArray(), sumToSize(db.data, c.bs));
    });
  }
});
