// The runtime's promises: adapter report, errors that name things, lifetimes that make leaks
// visible, one submit per step, and the tape's PyTorch semantics.

import { beforeAll, describe, expect, it } from 'vitest';
import { counters, F, GpuError, init, keep, manualSeed, memory, noGrad, ones, randn, sync, tensor, tidy, WgslnetError, zeros, type Tensor } from '../src/node/index.js';
import { addShaderTexts } from '../src/gpu/shaderStore.js';
import { defineKernel } from '../src/gpu/kernelDecl.js';
import { launch, output } from '../src/ops/launch.js';
import { setupGpu } from './helpers/gpu.js';

beforeAll(setupGpu);

describe('device', () => {
  it('reports the adapter, and lavapipe as software', async () => {
    const e = await init();
    expect(e.adapter.description.length + e.adapter.vendor.length).toBeGreaterThan(0);
    expect(e.adapter.limits.maxStorageBufferBindingSize).toBeGreaterThanOrEqual(128 * 1024 * 1024);
    if (/llvmpipe|lavapipe/i.test(e.description)) expect(e.adapter.software).toBe(true);
    expect(e.description).toContain('features:');
  });
});

describe('errors name the op and the kernel file', () => {
  it('a shader that fails to compile', async () => {
    addShaderTexts([['test/broken.wgsl', '// broken on purpose\n@group(0) @binding(0) var<storage, read_write> y: array<f32>;\n@compute @workgroup_size(1) fn main() { y[0] = undefined_name; }']]);
    const BROKEN = defineKernel({ file: 'test/broken.wgsl', params: {}, inputs: [], outputs: ['y'] });
    const y = output([1], 'broken');
    launch('brokenOp', BROKEN, { inputs: [], outputs: [y], workgroups: [1] });
    const err = await y.toArray().then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(GpuError);
    expect(String((err as Error).message)).toMatch(/test\/broken\.wgsl/);
    expect(String((err as Error).message)).toMatch(/undefined_name/);
    y.dispose();
    await sync(); // the runtime is healthy afterwards
    expect(await tensor([1, 2]).add(1).toArray()).toEqual(new Float32Array([2, 3]));
  });
  it('shape mismatches name the op and shapes', () => {
    const a = zeros([2, 3]);
    const b = zeros([4, 5]);
    expect(() => F.matmul(a, b)).toThrow(/matmul: inner dimensions differ: \[2, 3\] · \[4, 5\] \(3 vs 4\)/);
    expect(() => F.add(a, b)).toThrow(/add: shapes \[2, 3\] and \[4, 5\] cannot be broadcast/);
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow(/3 values do not fill shape \[2, 2\]/);
    a.dispose();
    b.dispose();
  });
  it('a tensor too large for one binding is refused before it reaches the GPU', () => {
    expect(() => zeros([1 << 20, 1 << 12])).toThrow(/shape \[1048576, 4096\] needs 17179869184 bytes/);
  });
  it('using a disposed tensor names the op and the tensor', () => {
    const t = zeros([3]);
    t.dispose();
    expect(() => t.add(1)).toThrow(WgslnetError);
    expect(() => t.add(1)).toThrow(/add: input tensor #\d+ \[3\] was disposed/);
  });
  it('a bad class index in crossEntropy is named', () => {
    const logits = zeros([2, 3]);
    expect(() => F.crossEntropy(logits, [0, 3])).toThrow(/target 1 is 3; class indices must be integers in \[0, 3\)/);
    logits.dispose();
  });
});

describe('lifetimes', () => {
  it('tidy disposes what it made, keeps what it returns and what keep() marks', () => {
    const before = memory().tensors;
    let kept: Tensor | null = null;
    const y = tidy(() => {
      const a = tensor([1, 2, 3]);
      kept = keep(a.mul(2));
      return a.add(1).relu();
    });
    expect(memory().tensors).toBe(before + 2);
    expect(y.disposed).toBe(false);
    y.dispose();
    kept!.dispose();
    expect(memory().tensors).toBe(before);
  });

  it('200 training steps leak no tensor, no GPU buffer, no uniform buffer or bind group', async () => {
    manualSeed(1);
    const w1 = randn([16, 32], { requiresGrad: true });
    const w2 = randn([32, 4], { requiresGrad: true });
    const x = randn([8, 16]);
    const targets = [0, 1, 2, 3, 0, 1, 2, 3];
    const step = () => {
      tidy(() => {
        const loss = F.crossEntropy(x.matmul(w1).relu().matmul(w2), targets);
        loss.backward();
        noGrad(() => {
          for (const w of [w1, w2]) {
            w.assign(w.sub(w.grad!.mul(0.1))); // SGD, in place
            w.grad!.dispose();
            w.grad = null;
          }
        });
      });
    };
    const lossNow = async () => {
      const l = tidy(() => F.crossEntropy(x.matmul(w1).relu().matmul(w2), targets));
      const v = await l.item();
      l.dispose();
      return v;
    };
    const lossBefore = await lossNow();
    for (let i = 0; i < 5; i++) step();
    await sync();
    const m0 = memory();
    const c0 = counters();
    for (let i = 0; i < 200; i++) step();
    await sync();
    const m1 = memory();
    const c1 = counters();
    expect(m1.tensors).toBe(m0.tensors);
    expect(m1.buffers).toBe(m0.buffers);
    expect(m1.bytesInUse).toBe(m0.bytesInUse);
    expect(c1.uniformBuffers).toBe(c0.uniformBuffers);
    expect(c1.bindGroups).toBe(c0.bindGroups);
    expect(c1.dispatches).toBeGreaterThan(c0.dispatches + 200 * 10);
    expect(await lossNow()).toBeLessThan(lossBefore * 0.5); // and it really trained
    for (const t of [w1, w2, x]) t.dispose();
  });

  it('a conv-net training step (conv, BN+ReLU, pools, residual, BN1d, dropout, linear) leaks nothing', async () => {
    manualSeed(2);
    const p = {
      w1: randn([8, 3, 3, 3], { requiresGrad: true }),
      w2: randn([8, 8, 3, 3], { requiresGrad: true }),
      g1: ones([8], { requiresGrad: true }),
      b1: zeros([8], { requiresGrad: true }),
      g2: ones([16], { requiresGrad: true }),
      b2: zeros([16], { requiresGrad: true }),
      fc: randn([4, 16], { requiresGrad: true }),
    };
    const stats = { rm1: zeros([8]), rv1: ones([8]), rm2: zeros([16]), rv2: ones([16]) };
    const x = randn([4, 3, 12, 12]);
    const targets = [0, 1, 2, 3];
    const forward = () => {
      const h = F.batchNormRelu(F.conv2d(x, p.w1, null, { padding: 1 }), stats.rm1, stats.rv1, { weight: p.g1, bias: p.b1, training: true });
      const pooled = F.maxPool2d(h, 3, { stride: 2, padding: 1 });
      const res = F.addRelu(F.conv2d(pooled, p.w2, null, { padding: 1 }).mul(0.1), pooled);
      const feat = F.adaptiveConcatPool2d(res).flatten(1);
      const z = F.dropout(F.batchNorm(feat, stats.rm2, stats.rv2, { weight: p.g2, bias: p.b2, training: true }), 0.25);
      return F.crossEntropy(F.linear(z, p.fc), targets);
    };
    const step = () =>
      tidy(() => {
        const loss = forward();
        loss.backward();
        noGrad(() => {
          for (const t of Object.values(p)) {
            t.assign(t.sub(t.grad!.mul(0.05)));
            t.grad!.dispose();
            t.grad = null;
          }
        });
        return loss;
      });
    const first = step();
    const lossBefore = await first.item();
    first.dispose();
    for (let i = 0; i < 3; i++) step().dispose();
    await sync();
    const m0 = memory();
    const c0 = counters();
    let last = 0;
    for (let i = 0; i < 30; i++) {
      const l = step();
      if (i === 29) last = await l.item();
      l.dispose();
    }
    await sync();
    expect(memory().tensors).toBe(m0.tensors);
    expect(memory().buffers).toBe(m0.buffers);
    expect(counters().bindGroups).toBe(c0.bindGroups);
    expect(counters().uniformBuffers).toBe(c0.uniformBuffers);
    expect(last).toBeLessThan(lossBefore);
    for (const t of [...Object.values(p), ...Object.values(stats), x]) t.dispose();
  });

  it('a step that leaks one tensor per step is visible in memory()', () => {
    const before = memory();
    const leaked: Tensor[] = [];
    for (let i = 0; i < 10; i++) tidy(() => void leaked.push(keep(tensor([i]).add(1))));
    const after = memory();
    expect(after.tensors - before.tensors).toBe(10);
    expect(after.buffersInUse - before.buffersInUse).toBe(10);
    leaked.forEach((t) => t.dispose());
  });
});

describe('batched execution', () => {
  it('a forward + backward step is one submit, made when a value is read', async () => {
    const w = randn([8, 8], { requiresGrad: true });
    const x = randn([4, 8]);
    await sync();
    const c0 = counters();
    const loss = tidy(() => {
      const l = x.matmul(w).relu().sum();
      l.backward();
      return l;
    });
    const c1 = counters();
    expect(c1.dispatches - c0.dispatches).toBeGreaterThan(5);
    expect(c1.submits).toBe(c0.submits); // nothing submitted yet: recorded only
    await loss.item();
    expect(counters().submits - c0.submits).toBe(1);
    for (const t of [w, x, loss]) t.dispose();
  });
});

describe('autograd semantics', () => {
  it('gradients accumulate across backward calls until disposed (zero_grad)', async () => {
    const x = tensor([1, 2, 3], [3], { requiresGrad: true });
    tidy(() => x.mul(x).sum().backward());
    expect(await x.grad!.toArray()).toEqual(new Float32Array([2, 4, 6]));
    tidy(() => x.mul(3).sum().backward());
    expect(await x.grad!.toArray()).toEqual(new Float32Array([5, 7, 9]));
    x.grad!.dispose();
    x.grad = null;
    tidy(() => x.sum().backward());
    expect(await x.grad!.toArray()).toEqual(new Float32Array([1, 1, 1]));
    x.dispose();
  });
  it('a tensor used twice gets both gradients; leaves sharing one gradient get their own copies', async () => {
    const a = tensor([2], [1], { requiresGrad: true });
    const b = tensor([5], [1], { requiresGrad: true });
    tidy(() => a.add(b).add(a).backward());
    expect(await a.grad!.toArray()).toEqual(new Float32Array([2]));
    expect(await b.grad!.toArray()).toEqual(new Float32Array([1]));
    expect(a.grad).not.toBe(b.grad);
    a.dispose();
    expect(await b.grad!.toArray()).toEqual(new Float32Array([1]));
    b.dispose();
  });
  it('noGrad records nothing; requiresGrad is per tensor', () => {
    const a = tensor([1, 2], [2], { requiresGrad: true });
    const c = tensor([3, 4]);
    const y = noGrad(() => a.mul(2));
    expect(y.requiresGrad).toBe(false);
    expect(y.node).toBeNull();
    const z = c.mul(2);
    expect(z.requiresGrad).toBe(false);
    const w = a.mul(c);
    expect(w.requiresGrad).toBe(true);
    expect(() => z.sum().backward()).toThrow(/does not require grad/);
    expect(() => w.backward()).toThrow(/not a scalar/);
    for (const t of [a, c, y, z, w]) t.dispose();
  });
  it('backward through the same graph twice is refused', () => {
    const a = tensor([1, 2], [2], { requiresGrad: true });
    const loss = a.mul(a).sum();
    loss.backward();
    expect(() => loss.backward()).toThrow(/already used by an earlier backward/);
    a.dispose();
    loss.dispose();
  });
  it('randn is reproducible under manualSeed', async () => {
    manualSeed(42);
    const a = await randn([5]).toArray();
    manualSeed(42);
    const b = await randn([5]).toArray();
    expect(a).toEqual(b);
    manualSeed(43);
    expect(await randn([5]).toArray()).not.toEqual(a);
  });
});
