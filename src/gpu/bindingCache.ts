// What a dispatch binds, made once and reused: uniform buffers keyed by their bytes, and bind
// groups keyed by kernel, uniform and buffers. A training step records the same dispatches every
// time, so after the first step it creates nothing. Both caches are dropped together (a bind
// group holds its uniform buffer) when the uniforms grow past a limit, right after a submit.

import type { PooledBuffer } from './bufferPool.js';
import { WgslnetError } from './errors.js';
import type { CompiledKernel } from './kernel.js';

/** A slice of a pooled buffer bound as one of a kernel's `var<uniform>` windows. */
export interface UniformWindow {
  buf: PooledBuffer;
  offset: number;
}

/** A cached uniform buffer; `id` names it in bind-group keys. */
export interface CachedUniform {
  gpu: GPUBuffer;
  id: number;
}

const UNIFORM_CACHE_LIMIT = 8192;

export class BindingCache {
  private uniforms = new Map<string, CachedUniform>();
  private bindGroups = new Map<string, GPUBindGroup>();
  private nextUniformId = 1;

  constructor(
    private readonly device: GPUDevice,
    private readonly counters: { uniformBuffers: number; bindGroups: number },
  ) {}

  uniform(file: string, bytes: Uint8Array): CachedUniform {
    // Uniform buffers are immutable and shared by content, so recording the same op twice
    // (every training step) reuses one buffer; no write can race an unsubmitted dispatch.
    const words = new Uint32Array(bytes.buffer);
    let key = file;
    for (let i = 0; i < words.length; i++) key += ',' + words[i]!.toString(36);
    let u = this.uniforms.get(key);
    if (!u) {
      const gpu = this.device.createBuffer({ size: bytes.byteLength, usage: GPUBufferUsage.UNIFORM, mappedAtCreation: true, label: `params ${file}` });
      new Uint8Array(gpu.getMappedRange()).set(bytes);
      gpu.unmap();
      u = { gpu, id: this.nextUniformId++ };
      this.uniforms.set(key, u);
      this.counters.uniformBuffers++;
    }
    return u;
  }

  bindGroup(k: CompiledKernel, uniform: CachedUniform | null, buffers: readonly PooledBuffer[], windows: readonly UniformWindow[]): GPUBindGroup {
    let key = `${k.decl.file}|${uniform?.id ?? 0}`;
    for (const b of buffers) key += ',' + b.id;
    for (const w of windows) key += `,${w.buf.id}@${w.offset}`;
    let bg = this.bindGroups.get(key);
    if (!bg) {
      const entries: GPUBindGroupEntry[] = [];
      let i = 0;
      if (uniform) entries.push({ binding: i++, resource: { buffer: uniform.gpu } });
      for (const b of buffers) entries.push({ binding: i++, resource: { buffer: b.gpu } });
      windows.forEach((w, j) => {
        const size = k.layout.windowSizes[j]!;
        if (w.offset + size > w.buf.size) {
          throw new WgslnetError(`shaders/${k.decl.file}: uniform window ${k.decl.uniforms![j]} needs bytes [${w.offset}, ${w.offset + size}) of a ${w.buf.size}-byte buffer`);
        }
        entries.push({ binding: i++, resource: { buffer: w.buf.gpu, offset: w.offset, size } });
      });
      bg = this.device.createBindGroup({ label: k.decl.file, layout: k.bindGroupLayout, entries });
      this.bindGroups.set(key, bg);
      this.counters.bindGroups++;
    }
    return bg;
  }

  /** Call right after a submit (destroying a buffer that submitted work uses is allowed then). */
  trimAfterSubmit(): void {
    if (this.uniforms.size <= UNIFORM_CACHE_LIMIT) return;
    for (const u of this.uniforms.values()) u.gpu.destroy();
    this.uniforms.clear();
    this.bindGroups.clear();
  }
}
