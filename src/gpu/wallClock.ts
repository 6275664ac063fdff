// Kernel timing without the 'timestamp-query' feature: run fn once while recording every dispatch
// (pipeline, Params bytes, buffer sizes, grid), then replay each dispatch on its own, `repeats`
// times in one pass, and time it from submit to onSubmittedWorkDone on the host's clock, less the
// round trip of an empty submit. The replay binds scratch buffers of the same sizes, so it never
// writes into a live tensor (the values are zeros; no kernel here branches on its data enough to
// matter for its time). Coarser than GPU timestamps: use it where those are missing.

import { WgslnetError } from './errors.js';
import { opFamily, type KernelTime } from './profiler.js';
import type { ObservedDispatch, Runtime } from './runtime.js';

export interface WallClockOptions {
  /** Dispatches per timed submit (default 3): more amortises the submit round trip. */
  repeats?: number;
}

/** One scratch buffer per binding slot, grown to the largest size that slot has needed. */
class ScratchBuffers {
  private slots: GPUBuffer[] = [];
  constructor(private device: GPUDevice) {}
  get(slot: number, size: number): GPUBuffer {
    const have = this.slots[slot];
    if (have && have.size >= size) return have;
    have?.destroy();
    const b = this.device.createBuffer({ size, usage: GPUBufferUsage.STORAGE, label: `wall-clock scratch ${slot}` });
    this.slots[slot] = b;
    return b;
  }
  destroy(): void {
    for (const b of this.slots) b.destroy();
  }
}

async function roundTrip(device: GPUDevice, encode: (pass: GPUComputePassEncoder) => void): Promise<number> {
  const enc = device.createCommandEncoder({ label: 'wall-clock replay' });
  const pass = enc.beginComputePass();
  encode(pass);
  pass.end();
  const cmd = enc.finish();
  const t0 = performance.now();
  device.queue.submit([cmd]);
  await device.queue.onSubmittedWorkDone();
  return performance.now() - t0;
}

export async function profileWallClock(rt: Runtime, fn: () => unknown, o: WallClockOptions = {}): Promise<KernelTime[]> {
  const repeats = Math.max(1, Math.floor(o.repeats ?? 3));
  if (rt.dispatchObserver) throw new WgslnetError('profileWallClock(): already profiling');
  await rt.sync();
  const recorded: ObservedDispatch[] = [];
  rt.dispatchObserver = (d) => recorded.push(d);
  try {
    await fn();
    await rt.sync();
  } finally {
    rt.dispatchObserver = null;
  }
  const device = rt.device;
  const scratch = new ScratchBuffers(device);
  const uniforms = new Map<string, GPUBuffer>();
  const uniformFor = (bytes: Uint8Array): GPUBuffer => {
    const key = Array.from(bytes).join(',');
    let u = uniforms.get(key);
    if (!u) {
      u = device.createBuffer({ size: bytes.byteLength, usage: GPUBufferUsage.UNIFORM, mappedAtCreation: true, label: 'wall-clock params' });
      new Uint8Array(u.getMappedRange()).set(bytes);
      u.unmap();
      uniforms.set(key, u);
    }
    return u;
  };
  const totals = new Map<string, KernelTime>();
  device.pushErrorScope('validation');
  try {
    // The fixed cost of a submit and its completion callback, taken as the fastest of five.
    let overhead = Infinity;
    for (let i = 0; i < 5; i++) overhead = Math.min(overhead, await roundTrip(device, () => {}));
    for (const d of recorded) {
      const entries: GPUBindGroupEntry[] = [];
      if (d.uniform) entries.push({ binding: 0, resource: { buffer: uniformFor(d.uniform) } });
      d.buffers.forEach((b, i) => entries.push({ binding: entries.length, resource: { buffer: scratch.get(i, b.size), offset: 0, size: b.size } }));
      for (const w of d.windows) entries.push({ binding: entries.length, resource: { buffer: w.buf.gpu, offset: w.offset, size: w.size } });
      const bindGroup = device.createBindGroup({ label: `${d.kernel.decl.file} (replay)`, layout: d.kernel.bindGroupLayout, entries });
      const ms = await roundTrip(device, (pass) => {
        pass.setPipeline(d.pipeline);
        pass.setBindGroup(0, bindGroup);
        for (let r = 0; r < repeats; r++) pass.dispatchWorkgroups(...d.workgroups);
      });
      const key = `${d.op}\u0000${d.kernel.decl.file}`;
      const e = totals.get(key) ?? { op: d.op, kernel: d.kernel.decl.file, family: opFamily(d.op), dispatches: 0, ms: 0, flops: 0, bytes: 0 };
      e.dispatches++;
      e.ms += Math.max(0, ms - overhead) / repeats;
      e.flops += d.cost.flops;
      e.bytes += d.cost.bytes;
      totals.set(key, e);
    }
  } finally {
    const err = await device.popErrorScope();
    scratch.destroy();
    for (const u of uniforms.values()) u.destroy();
    if (err) throw new WgslnetError(`profileWallClock: replaying the recorded dispatches failed: ${err.message}`);
  }
  return [...totals.values()].sort((a, b) => b.ms - a.ms);
}
