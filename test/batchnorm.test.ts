// BatchNorm (2d over [N, C, H, W], 1d over [N, C]): training and evaluation forward against the
// f64 reference, backward against finite differences, the fused ReLU variant, and the running
// statistics against PyTorch's update rule.

import { beforeAll, describe, expect, it } from 'vitest';
import { F, ones, tensor, tidy, zeros } from '../src/node/index.js';
import { batchNorm as refBn } from '../src/reference/norm.js';
import { checkOp } from './helpers/opcheck.js';
import { setupGpu } from './helpers/gpu.js';

beforeAll(setupGpu);

// [2, 3, 16, 17]: planes of at least 256 values take the per-plane paths of bn_stats and bn_apply.
const shapes = [[2, 3, 4, 5], [4, 1, 3, 3], [3, 7], [8, 5, 1, 1], [2, 4, 9], [2, 3, 16, 17]];

describe('batchNorm', () => {
  for (const shape of shapes) {
    const C = shape[1]!;
    for (const relu of [false, true]) {
      const fn = relu ? F.batchNormRelu : F.batchNorm;
      it(`training${relu ? ' + relu' : ''} ${JSON.stringify(shape)}`, () =>
        checkOp({
          name: relu ? 'batchNormRelu' : 'batchNorm',
          inputs: [{ shape, grad: true }, { shape: [C], grad: true, kind: 'positive' }, { shape: [C], grad: true }],
          gpu: (x, w, b) => fn(x!, null, null, { weight: w!, bias: b!, training: true }),
          ref: (x, w, b) => refBn(x!, shape, w!, b!, null, 1e-5, relu),
          rtol: 1e-4,
          atol: 1e-4,
          gradTol: 1e-3,
        }));
      it(`evaluation${relu ? ' + relu' : ''} ${JSON.stringify(shape)}`, () =>
        checkOp({
          name: relu ? 'batchNormRelu eval' : 'batchNorm eval',
          inputs: [{ shape, grad: true }, { shape: [C], grad: true, kind: 'positive' }, { shape: [C], grad: true }, { shape: [C] }, { shape: [C], kind: 'positive' }],
          gpu: (x, w, b, rm, rv) => fn(x!, rm!, rv!, { weight: w!, bias: b!, training: false }),
          ref: (x, w, b, rm, rv) => refBn(x!, shape, w!, b!, { mean: rm!, var: rv! }, 1e-5, relu),
          rtol: 1e-4,
          atol: 1e-4,
        }));
    }
  }

  it('updates running statistics as PyTorch does (momentum 0.1, unbiased variance)', async () => {
    const shape = [3, 2, 2, 2];
    const data = Float64Array.from({ length: 24 }, (_, i) => Math.sin(i * 1.7) * 3 + i * 0.1);
    const runningMean = zeros([2]);
    const runningVar = ones([2]);
    const x = tensor(Float32Array.from(data), shape);
    tidy(() => void F.batchNorm(x, runningMean, runningVar, { training: true }));
    tidy(() => void F.batchNorm(x, runningMean, runningVar, { training: true, momentum: 0.3 }));
    const want = refBn(Float64Array.from(new Float32Array(data)), shape, null, null, null);
    const M = 12;
    let rm = [0, 0];
    let rv = [1, 1];
    for (const m of [0.1, 0.3]) {
      rm = rm.map((v, c) => (1 - m) * v + m * want.mean[c]!);
      rv = rv.map((v, c) => (1 - m) * v + m * want.var[c]! * (M / (M - 1)));
    }
    const gotMean = await runningMean.toArray();
    const gotVar = await runningVar.toArray();
    for (let c = 0; c < 2; c++) {
      expect(gotMean[c]).toBeCloseTo(rm[c]!, 5);
      expect(gotVar[c]).toBeCloseTo(rv[c]!, 4);
    }
    // Evaluation leaves them alone.
    tidy(() => void F.batchNorm(x, runningMean, runningVar, { training: false }));
    expect(await runningMean.toArray()).toEqual(gotMean);
  });

  it('batch statistics stay exact when the mean is 100× the spread (one pass, both paths)', async () => {
    for (const shape of [[4, 2, 3, 3], [2, 2, 16, 16]]) {
      const n = shape.reduce((a, b) => a * b);
      const data = Float32Array.from({ length: n }, (_, i) => 100 + Math.sin(i * 1.7));
      const want = refBn(Float64Array.from(data), shape, null, null, null);
      const runningMean = zeros([2]);
      const runningVar = zeros([2]);
      tidy(() => void F.batchNorm(tensor(data, shape), runningMean, runningVar, { training: true, momentum: 1 }));
      const M = n / 2;
      const got = await runningVar.toArray();
      for (let c = 0; c < 2; c++) expect(Math.abs(got[c]! - (want.var[c]! * M) / (M - 1)) / want.var[c]!).toBeLessThan(1e-5);
    }
  });

  it('bad shapes are named', () => {
    const x = zeros([2, 3, 4, 4]);
    expect(() => F.batchNorm(x, zeros([4]), zeros([4]), {})).toThrow(/runningMean must be \[3\] for input \[2, 3, 4, 4\], got \[4\]/);
    expect(() => F.batchNorm(x, null, null, { training: false })).toThrow(/evaluation mode needs running statistics/);
    expect(() => F.batchNorm(zeros([1, 3]), null, null, { training: true })).toThrow(/more than one value per channel/);
  });
});
