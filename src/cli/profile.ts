// `wgslnet profile`: one ResNet training step (or forward pass), kernel by kernel, as the studio's
// Profile tab shows it.

import { formatKernelTable, hasTimestamps, init, kernelRows, measurePeak, profileStep, type StepProfileOptions } from '../node/index.js';

export async function profileCommand(o: StepProfileOptions): Promise<void> {
  const engine = await init();
  console.log(`GPU: ${engine.description}`);
  const peak = await measurePeak();
  console.log(`peak: ${peak.gflops.toFixed(1)} GFLOP/s (vec4 FMA probe), ${peak.gflopsSpillFree.toFixed(1)} GFLOP/s (spill-free FMA probe), ${peak.gbps.toFixed(2)} GB/s (copy probe)`);
  const p = await profileStep(o);
  const what = p.mode === 'train' ? 'training step (forward, backward, Adam)' : 'forward pass (evaluation mode)';
  const timing =
    p.timing === 'gpu' ? 'GPU timestamps' : `wall-clock replay, each kernel alone${hasTimestamps() ? '' : " (this adapter has no 'timestamp-query')"}`;
  console.log(`${p.arch}, ${p.bs} images of ${p.size}×${p.size}: one ${what} takes ${p.stepMs.toFixed(1)} ms; times from ${timing}`);
  console.log(formatKernelTable(kernelRows(p.kernels, peak)));
}
