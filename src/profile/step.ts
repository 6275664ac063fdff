// What one training step (or one forward pass) of a ResNet costs, kernel by kernel: the studio's
// Profile tab and `wgslnet profile` both call this. A warm-up step compiles every pipeline and
// creates the optimizer state first, so the profiled step is a steady-state one. Timing is the
// GPU's own clock where the adapter has 'timestamp-query', else wall-clock replay (wallClock.ts).

import { WgslnetError } from '../gpu/errors.js';
import type { KernelTime } from '../gpu/profiler.js';
import { runtime } from '../gpu/runtime.js';
import { profileWallClock } from '../gpu/wallClock.js';
import { archByName } from '../learner/archs.js';
import { randn } from '../ops/creation.js';
import { crossEntropy } from '../ops/loss.js';
import { fastaiAdam } from '../optim/adam.js';
import { noGrad } from '../tensor/autograd.js';
import { tidy } from '../tensor/scope.js';

export type StepMode = 'train' | 'forward';
export type Timing = 'gpu' | 'wall';

export interface StepProfileOptions {
  arch?: string;
  /** Image side in pixels (default 64). */
  size?: number;
  /** Batch size (default 16). */
  bs?: number;
  classes?: number;
  /** A training step (forward, backward, Adam) or a forward pass in evaluation mode. */
  mode?: StepMode;
  /** 'gpu' timestamps (the default where the adapter has them) or 'wall'-clock replay. */
  timing?: Timing;
}

export interface StepProfile {
  arch: string;
  size: number;
  bs: number;
  mode: StepMode;
  timing: Timing;
  /** Time per op and kernel file, slowest first. */
  kernels: KernelTime[];
  /** Wall-clock milliseconds of one unprofiled step (submit to finish). */
  stepMs: number;
}

export function hasTimestamps(): boolean {
  return runtime().device.features.has('timestamp-query');
}

export async function profileStep(o: StepProfileOptions = {}): Promise<StepProfile> {
  const [arch, size, bs, classes, mode] = [o.arch ?? 'resnet18', o.size ?? 64, o.bs ?? 16, o.classes ?? 10, o.mode ?? 'train'];
  if (!Number.isInteger(size) || size < 8) throw new WgslnetError(`profile: size must be an integer ≥ 8, got ${size}`);
  if (!Number.isInteger(bs) || bs < 1) throw new WgslnetError(`profile: batch size must be a positive integer, got ${bs}`);
  const timing = o.timing ?? (hasTimestamps() ? 'gpu' : 'wall');
  if (timing === 'gpu' && !hasTimestamps()) throw new WgslnetError("profile: GPU timing needs the adapter's 'timestamp-query' feature, which this adapter lacks; use wall-clock timing");
  const rt = runtime();
  const model = archByName(arch)({ numClasses: classes });
  const opt = fastaiAdam(model.parameters(), { lr: 1e-3 });
  const x = randn([bs, 3, size, size]);
  const y = Array.from({ length: bs }, (_, i) => i % classes);
  const step = () => {
    if (mode === 'forward') {
      model.eval();
      noGrad(() => tidy(() => void model.forward(x)));
      return;
    }
    tidy(() => crossEntropy(model.forward(x), y).backward());
    opt.step();
    opt.zeroGrad();
  };
  try {
    step();
    await rt.sync();
    const t0 = performance.now();
    step();
    await rt.sync();
    const stepMs = performance.now() - t0;
    const kernels = timing === 'gpu' ? await rt.profile(step) : await profileWallClock(rt, step);
    return { arch, size, bs, mode, timing, kernels, stepMs };
  } finally {
    opt.resetState();
    model.dispose();
    x.dispose();
  }
}
