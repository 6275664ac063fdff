// Fusion rows: BN + ReLU and residual add + ReLU, each as two separate passes and as one fused
// kernel, forward alone and forward + backward, on a ResNet-sized activation. On this adapter an
// elementwise pass is bound by memory bandwidth, so the gain is the passes saved.

import { F, ones, randn, tidy, zeros, type Tensor } from '../src/node/index.js';
import { timeGpu } from './timing.js';

export interface FusionRow {
  workload: string;
  separateMs: number;
  fusedMs: number;
}

export async function benchFusion(shape: number[]): Promise<FusionRow[]> {
  const C = shape[1]!;
  const x = randn(shape, { requiresGrad: true });
  const r = randn(shape, { requiresGrad: true });
  const gamma = ones([C], { requiresGrad: true });
  const beta = zeros([C], { requiresGrad: true });
  const dy = randn(shape);
  const params = [x, r, gamma, beta];
  const clearGrads = () => params.forEach((p) => { p.grad?.dispose(); p.grad = null; });

  const cases: [string, () => Tensor, () => Tensor][] = [
    ['batchNorm + relu', () => F.relu(F.batchNorm(x, null, null, { weight: gamma, bias: beta, training: true })), () => F.batchNormRelu(x, null, null, { weight: gamma, bias: beta, training: true })],
    ['add + relu', () => F.relu(F.add(x, r)), () => F.addRelu(x, r)],
  ];
  const rows: FusionRow[] = [];
  for (const [name, separate, fused] of cases) {
    const time = async (fn: () => Tensor, backward: boolean) =>
      (await timeGpu(() => {
        tidy(() => {
          const y = fn();
          if (backward) y.backward(dy);
        });
        clearGrads();
      }, { minSeconds: 1 })).seconds * 1000;
    rows.push({ workload: `${name} forward`, separateMs: await time(separate, false), fusedMs: await time(fused, false) });
    rows.push({ workload: `${name} forward+backward`, separateMs: await time(separate, true), fusedMs: await time(fused, true) });
  }
  [...params, dy].forEach((t) => t.dispose());
  return rows;
}

export function formatFusion(rows: FusionRow[]): string {
  const lines = rows.map((r) => `${r.workload.padEnd(34)}${r.separateMs.toFixed(1).padStart(10)}${r.fusedMs.toFixed(1).padStart(10)}${(r.separateMs / r.fusedMs).toFixed(2).padStart(10)}`);
  return [`${'workload'.padEnd(34)}${'sep. ms'.padStart(10)}${'fused ms'.padStart(10)}${'speedup'.padStart(10)}`, ...lines].join('\n');
}
