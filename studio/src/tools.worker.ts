// The tools worker: the Profile tab's step profiles and the convolution lab's checked-then-timed
// runs, on its own GPU device, so neither blocks the page. Also serves kernel sources.

import { hasTimestamps, init, kernelFiles, kernelRows, kernelSource, measurePeak, profileStep, type StepProfileOptions } from 'wgslnet';
import { serve } from './workerHost.js';
import { runLab, type LabRequest } from './lab/run.js';

/**
 * Pretend the adapter lacks 'timestamp-query' (the page's ?timestamps=off), to see and test the
 * wall-clock fallback on an adapter that has it: the device is then created without the feature.
 */
function withoutTimestamps(gpu: GPU): GPU {
  const hide = (adapter: GPUAdapter): GPUAdapter => {
    const features = new Set([...adapter.features].filter((f) => f !== 'timestamp-query'));
    return new Proxy(adapter, {
      get: (t, p) => {
        if (p === 'features') return features;
        const v = Reflect.get(t, p, t);
        return typeof v === 'function' ? v.bind(t) : v;
      },
    });
  };
  return { requestAdapter: async (o?: GPURequestAdapterOptions) => ((a) => (a ? hide(a) : a))(await gpu.requestAdapter(o)), getPreferredCanvasFormat: () => gpu.getPreferredCanvasFormat(), wgslLanguageFeatures: gpu.wgslLanguageFeatures } as GPU;
}

serve({
  async init(a: { timestamps: boolean }) {
    const gpu = (navigator as Navigator & { gpu: GPU }).gpu;
    const e = await init(a.timestamps ? {} : { gpu: withoutTimestamps(gpu) });
    return { adapter: e.description, software: e.adapter.software, timestamps: hasTimestamps() };
  },
  /** A step's profile with the adapter's peak (its probes run once, on the first profile). */
  async profile(o: StepProfileOptions) {
    const peak = await measurePeak();
    const p = await profileStep(o);
    return { ...p, peak, rows: kernelRows(p.kernels, peak) };
  },
  source: (file: string) => kernelSource(file),
  files: () => kernelFiles(),
  lab: (r: LabRequest) => runLab(r),
});
