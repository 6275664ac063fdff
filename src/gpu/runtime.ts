// The one place that talks to the GPUDevice while tensors compute: it records dispatches into a
// single command encoder (one compute pass, many dispatches), submits them in one go, uploads and
// reads back buffers, and turns WebGPU's asynchronous error reports into thrown errors that name
// the op and the kernel file. What a dispatch binds is cached in bindingCache.ts.

import { BindingCache, type UniformWindow } from './bindingCache.js';
import { BufferPool, type PooledBuffer } from './bufferPool.js';
import { describeAdapter, deviceLostError, type AcquiredDevice, type AdapterReport } from './device.js';
import { GpuError, WgslnetError } from './errors.js';
import { CompiledKernel, type Overrides } from './kernel.js';
import { packUniforms, type KernelDecl } from './kernelDecl.js';
import { Profiler, type DispatchCost, type KernelTime } from './profiler.js';

export interface DebugOptions {
  /** Print every dispatch (op, kernel file, workgroups) to the console. */
  logDispatches: boolean;
  /** Fill every new output buffer with NaN before its kernel runs, so an unwritten element shows. */
  poisonOutputs: boolean;
  /** Submit after every dispatch, so a GPU error is pinned to exactly one op (slow). */
  syncErrors: boolean;
}

export interface DispatchArgs {
  /** User-facing op name, e.g. "matmul" — appears in errors and the dispatch log. */
  op: string;
  kernel: KernelDecl;
  params?: Readonly<Record<string, number | readonly number[]>>;
  inputs: readonly PooledBuffer[];
  outputs: readonly PooledBuffer[];
  workgroups: readonly [number, number?, number?];
  overrides?: Overrides;
  /** One window per declared uniform binding (kernel.uniforms): a buffer and a byte offset in it. */
  uniforms?: readonly UniformWindow[];
  /** FLOPs and bytes, for the profiler's GFLOP/s and GB/s. */
  cost?: DispatchCost;
}

/** What one dispatch bound, as the wall-clock profiler (wallClock.ts) sees it. */
export interface ObservedDispatch {
  op: string;
  kernel: CompiledKernel;
  pipeline: GPUComputePipeline;
  /** The packed Params bytes, or null for a kernel without a uniform. */
  uniform: Uint8Array | null;
  /** Storage buffers: inputs, then outputs. */
  buffers: readonly PooledBuffer[];
  /** Uniform windows (read-only slices of pooled buffers), after the storage buffers. */
  windows: readonly { buf: PooledBuffer; offset: number; size: number }[];
  workgroups: [number, number, number];
  cost: DispatchCost;
}

interface PendingCheck {
  ops: string;
  done: Promise<GpuError | null>;
}

/** Dispatches per submit before the runtime submits on its own (keeps the GPU busy while JS records). */
const AUTO_SUBMIT_DISPATCHES = 1024;

/**
 * How the runtime awaits an asynchronous GPU operation (onSubmittedWorkDone, mapAsync). The Node
 * entry replaces it with one that stops Dawn's polling from spinning a core (node/quietWait.ts).
 */
export type GpuWait = <T>(start: () => Promise<T>) => Promise<T>;
let gpuWait: GpuWait = (start) => start();

export function setGpuWait(w: GpuWait): void {
  gpuWait = w;
}

export class Runtime {
  readonly device: GPUDevice;
  readonly adapter: AdapterReport;
  readonly pool: BufferPool;
  readonly debug: DebugOptions = { logDispatches: false, poisonOutputs: false, syncErrors: false };

  private kernels = new Map<KernelDecl, CompiledKernel>();
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private opsInBatch: string[] = [];
  private checks: PendingCheck[] = [];
  private uncaptured: GpuError[] = [];
  private stagingFree = new Map<number, GPUBuffer[]>();
  private lost: GpuError | null = null;
  private profiler: Profiler | null = null;
  private afterSubmit: (() => void)[] = [];
  private lastOp = '(none)';
  /** The op that launched the current dispatches on its own behalf (see withOp). */
  private opScope: string | null = null;
  /** When set, sees every dispatch (profileWallClock records them to replay one by one). */
  dispatchObserver: ((d: ObservedDispatch) => void) | null = null;
  /** Totals since init, for tests and the profiler. */
  readonly counters = { dispatches: 0, submits: 0, uniformBuffers: 0, bindGroups: 0, stagingBuffers: 0 };
  private readonly bindings: BindingCache;

  constructor(acquired: AcquiredDevice) {
    this.device = acquired.device;
    this.adapter = acquired.adapter;
    this.pool = new BufferPool(this.device);
    this.bindings = new BindingCache(this.device, this.counters);
    this.device.lost.then((info) => {
      if (info.reason !== 'destroyed') this.lost = deviceLostError(info, this.lastOp);
    });
    this.device.addEventListener('uncapturederror', (ev) => {
      const e = (ev as GPUUncapturedErrorEvent).error;
      const kind = e instanceof GPUOutOfMemoryError ? 'out-of-memory' : 'validation';
      this.uncaptured.push(new GpuError(`WebGPU ${kind} error (last op: ${this.lastOp}): ${e.message}`, kind));
    });
  }

  describe(): string {
    return describeAdapter(this.adapter);
  }

  kernel(decl: KernelDecl): CompiledKernel {
    let k = this.kernels.get(decl);
    if (!k) {
      this.device.pushErrorScope('validation');
      k = new CompiledKernel(this.device, decl);
      this.kernels.set(decl, k);
      this.watch(`compiling shaders/${decl.file}`, this.device.popErrorScope());
    }
    return k;
  }

  /** The kernel's pipeline for these overrides; a new one is created inside an error scope. */
  private pipeline(k: CompiledKernel, overrides: Overrides | undefined): GPUComputePipeline {
    if (k.hasPipeline(overrides)) return k.pipeline(overrides);
    this.device.pushErrorScope('validation');
    const p = k.pipeline(overrides);
    this.watch(`creating the pipeline for shaders/${k.decl.file}${overrides ? ' ' + JSON.stringify(overrides) : ''}`, this.device.popErrorScope());
    return p;
  }

  dispatch(a: DispatchArgs): void {
    if (this.lost) throw this.lost;
    const k = this.kernel(a.kernel);
    const expected = a.kernel.inputs.length + a.kernel.outputs.length;
    if (a.inputs.length + a.outputs.length !== expected) {
      throw new WgslnetError(`${a.op}: shaders/${a.kernel.file} takes ${expected} buffers, got ${a.inputs.length + a.outputs.length}`);
    }
    const windows = a.uniforms ?? [];
    if (windows.length !== (a.kernel.uniforms?.length ?? 0)) {
      throw new WgslnetError(`${a.op}: shaders/${a.kernel.file} takes ${a.kernel.uniforms?.length ?? 0} uniform windows, got ${windows.length}`);
    }
    const [x, y = 1, z = 1] = a.workgroups;
    if (x === 0 || y === 0 || z === 0) return; // empty tensor: nothing to do
    const max = this.device.limits.maxComputeWorkgroupsPerDimension;
    if (x > max || y > max || z > max) {
      throw new WgslnetError(`${a.op}: shaders/${a.kernel.file} needs workgroups (${x}, ${y}, ${z}); the device allows ${max} per dimension`);
    }
    const uniformBytes = k.layout.fields.length ? packUniforms(a.kernel.file, k.layout, a.params ?? {}) : null;
    const uniform = uniformBytes ? this.bindings.uniform(a.kernel.file, uniformBytes) : null;
    const bindGroup = this.bindings.bindGroup(k, uniform, [...a.inputs, ...a.outputs], windows);
    const pipeline = this.pipeline(k, a.overrides);
    this.dispatchObserver?.({
      op: this.opScope ?? a.op,
      kernel: k,
      pipeline,
      uniform: uniformBytes,
      buffers: [...a.inputs, ...a.outputs],
      windows: windows.map((w, j) => ({ buf: w.buf, offset: w.offset, size: k.layout.windowSizes[j]! })),
      workgroups: [x, y, z],
      cost: a.cost ?? { flops: 0, bytes: 0 },
    });
    let pass: GPUComputePassEncoder;
    const timed = this.profiler?.nextPass(this.opScope ?? a.op, a.kernel.file, a.cost ?? { flops: 0, bytes: 0 }) ?? null;
    if (this.profiler && !timed) {
      // The query set is full: submit what is recorded (which drains it), then take a fresh slot.
      this.flush();
      return this.dispatch(a);
    }
    if (timed) {
      // Profiling: this dispatch gets its own pass, timestamped at its beginning and end.
      this.pass?.end();
      this.pass = null;
      pass = (this.encoder ??= this.device.createCommandEncoder({ label: 'wgslnet batch' })).beginComputePass(timed);
    } else {
      pass = this.computePass();
    }
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(x, y, z);
    if (timed) pass.end();
    this.lastOp = `${a.op} (shaders/${a.kernel.file})`;
    this.opsInBatch.push(this.lastOp);
    this.counters.dispatches++;
    if (this.debug.logDispatches) {
      console.log(`[wgslnet] ${a.op.padEnd(16)} ${a.kernel.file.padEnd(36)} wg=(${x},${y},${z})${a.overrides ? ' ' + JSON.stringify(a.overrides) : ''}`);
    }
    if (this.debug.syncErrors || this.opsInBatch.length >= AUTO_SUBMIT_DISPATCHES) this.flush();
  }

  /**
   * Runs fn with every dispatch it makes attributed to `op` in profiles: a convolution's padding,
   * packing, im2col, matmul and layout copies all count as the convolution. Nested calls keep the
   * outermost op.
   */
  withOp<T>(op: string, fn: () => T): T {
    if (this.opScope !== null) return fn();
    this.opScope = op;
    try {
      return fn();
    } finally {
      this.opScope = null;
    }
  }

  /** Submits everything recorded so far. Cheap when nothing is pending. */
  flush(): void {
    if (!this.encoder) return;
    this.pass?.end();
    this.pass = null;
    const ops = this.opsInBatch;
    this.opsInBatch = [];
    const encoder = this.encoder;
    this.encoder = null;
    if (this.profiler) this.afterSubmit.push(this.profiler.drain(encoder));
    this.device.pushErrorScope('out-of-memory');
    this.device.pushErrorScope('validation');
    this.device.queue.submit([encoder.finish()]);
    for (const f of this.afterSubmit.splice(0)) f();
    const validation = this.device.popErrorScope();
    const oom = this.device.popErrorScope();
    const summary = ops.length <= 3 ? ops.join(', ') : `${ops.length} ops: ${ops.slice(0, 2).join(', ')} … ${ops[ops.length - 1]}`;
    this.watch(summary, validation, oom);
    this.counters.submits++;
    this.bindings.trimAfterSubmit();
  }

  /** Copies `data` into a buffer. Submits pending work first: queue writes jump ahead of unsubmitted commands. */
  write(buf: PooledBuffer, data: Float32Array | Uint32Array, byteOffset = 0): void {
    if (this.lost) throw this.lost;
    this.flush();
    this.device.queue.writeBuffer(buf.gpu, byteOffset, data.buffer, data.byteOffset, data.byteLength);
  }

  /** Reads `byteLength` bytes of a buffer back to the CPU; waits for all work before it. */
  async read(buf: PooledBuffer, byteLength: number, byteOffset = 0): Promise<ArrayBuffer> {
    if (this.lost) throw this.lost;
    const size = Math.ceil(byteLength / 4) * 4;
    const staging = this.takeStaging(size);
    this.encoderNoPass().copyBufferToBuffer(buf.gpu, byteOffset, staging, 0, size);
    this.flush();
    try {
      await gpuWait(() => staging.mapAsync(GPUMapMode.READ, 0, size));
    } catch (e) {
      await this.throwPending();
      throw new GpuError(`reading back a buffer failed after ${this.lastOp}: ${(e as Error).message}`, 'internal');
    }
    const out = staging.getMappedRange(0, size).slice(0, byteLength);
    staging.unmap();
    this.giveStaging(staging);
    await this.throwPending();
    return out;
  }

  /**
   * Runs fn with every dispatch timed on the GPU's clock; returns time per op and kernel file,
   * slowest first. fn may be async (e.g. it awaits a value); nothing else should run meanwhile.
   */
  async profile(fn: () => unknown): Promise<KernelTime[]> {
    if (this.profiler) throw new WgslnetError('profile(): already profiling');
    this.flush();
    this.profiler = new Profiler(this.device);
    try {
      await fn();
      this.flush();
      await gpuWait(() => this.device.queue.onSubmittedWorkDone());
      return await gpuWait(() => this.profiler!.results());
    } finally {
      this.profiler.destroy();
      this.profiler = null;
    }
  }

  /** Submits pending work, waits for the GPU to finish it, and throws any error it reported. */
  async sync(): Promise<void> {
    this.flush();
    await gpuWait(() => this.device.queue.onSubmittedWorkDone());
    await this.throwPending();
  }

  private async throwPending(): Promise<void> {
    const checks = this.checks;
    this.checks = [];
    const results = await gpuWait(() => Promise.all(checks.map((c) => c.done)));
    const first = results.find((r) => r !== null) ?? this.uncaptured.shift() ?? this.lost;
    if (first) {
      // Later errors in the same stretch of work are almost always the first one cascading (an
      // invalid module makes an invalid pipeline makes an invalid command buffer): report the first.
      this.uncaptured = [];
      throw first;
    }
  }

  private watch(ops: string, ...scopes: Promise<GPUError | null>[]): void {
    const done = Promise.all(scopes).then((errs) => {
      const e = errs.find((x) => x !== null);
      if (!e) return null;
      const kind = e instanceof GPUOutOfMemoryError ? 'out-of-memory' : 'validation';
      return new GpuError(`WebGPU ${kind} error in ${ops}: ${e.message}`, kind);
    });
    this.checks.push({ ops, done });
  }

  private encoderNoPass(): GPUCommandEncoder {
    if (this.pass) {
      this.pass.end();
      this.pass = null;
    }
    return (this.encoder ??= this.device.createCommandEncoder({ label: 'wgslnet batch' }));
  }

  private computePass(): GPUComputePassEncoder {
    if (this.pass) return this.pass;
    const encoder = (this.encoder ??= this.device.createCommandEncoder({ label: 'wgslnet batch' }));
    this.pass = encoder.beginComputePass({ label: 'wgslnet' });
    return this.pass;
  }

  private takeStaging(size: number): GPUBuffer {
    const list = this.stagingFree.get(size);
    const b = list?.pop();
    if (b) return b;
    this.counters.stagingBuffers++;
    return this.device.createBuffer({ size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, label: 'readback' });
  }

  private giveStaging(b: GPUBuffer): void {
    let list = this.stagingFree.get(b.size);
    if (!list) this.stagingFree.set(b.size, (list = []));
    list.push(b);
  }

  destroy(): void {
    this.flush();
    this.device.destroy();
  }
}

let current: Runtime | null = null;

export function setRuntime(r: Runtime | null): void {
  current = r;
}

export function runtime(): Runtime {
  if (!current) throw new WgslnetError('wgslnet is not initialised: call `await init()` first.');
  return current;
}

export function hasRuntime(): boolean {
  return current !== null;
}
