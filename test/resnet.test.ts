// ResNets: torchvision's parameter counts for all five depths, a forward pass of each shape on the
// real adapter, state-dict names, and train/eval behaviour.

import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { manualSeed, memory, models, randn, tidy, type ResNet } from '../src/node/index.js';
import { setupGpu } from './helpers/gpu.js';

beforeAll(setupGpu);

const counts: [keyof typeof models & `resnet${number}`, number][] = [
  ['resnet18', 11_689_512],
  ['resnet34', 21_797_672],
  ['resnet50', 25_557_032],
  ['resnet101', 44_549_160],
  ['resnet152', 60_192_808],
];

let model: ResNet | null = null;
afterEach(() => {
  model?.dispose();
  model = null;
});

describe('ResNet', () => {
  for (const [name, count] of counts) {
    it(`${name} has torchvision's ${count.toLocaleString('en')} parameters and runs a forward pass`, async () => {
      manualSeed(0);
      model = models[name]({ numClasses: 1000 });
      expect(model.numParameters()).toBe(count);
      model.eval();
      // The smallest input the stem and four stride-2 stages accept without vanishing: 32×32 → 1×1.
      const y = tidy(() => model!.forward(randn([1, 3, 32, 32])));
      expect([...y.shape]).toEqual([1, 1000]);
      const v = await y.toArray();
      expect(v.every(Number.isFinite)).toBe(true);
      y.dispose();
    }, 300_000);
  }

  it('state-dict keys use torchvision names', () => {
    model = models.resnet50({ numClasses: 10 });
    const keys = [...model.stateDict().keys()];
    expect(keys.slice(0, 7)).toEqual(['conv1.weight', 'bn1.weight', 'bn1.bias', 'bn1.running_mean', 'bn1.running_var', 'bn1.num_batches_tracked', 'layer1.0.conv1.weight']);
    expect(keys).toContain('layer1.0.downsample.0.weight');
    expect(keys).toContain('layer4.2.bn3.running_var');
    expect(keys.slice(-2)).toEqual(['fc.weight', 'fc.bias']);
    expect(keys.length).toBe(320); // 161 parameter tensors + 3·53 BN buffers
  });

  it('zeroInitResidual zeroes each block’s last BN weight; smallInput keeps 32 px alive', async () => {
    model = models.resnet18({ numClasses: 10, zeroInitResidual: true, smallInput: true });
    expect(await model.stateDict().get('layer2.1.bn2.weight')!.toArray()).toEqual(new Float32Array(128));
    expect(await model.stateDict().get('layer2.1.bn1.weight')!.toArray()).toEqual(new Float32Array(128).fill(1));
    expect([...model.stateDict().get('conv1.weight')!.shape]).toEqual([64, 3, 3, 3]);
    const before = memory().tensors;
    const feats = tidy(() => model!.forwardFeatures(randn([2, 3, 32, 32])));
    expect([...feats.shape]).toEqual([2, 512, 4, 4]);
    feats.dispose();
    expect(memory().tensors).toBe(before);
  });
});
