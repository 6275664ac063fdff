// A declared kernel, compiled on first use: its checked uniform layout, its bind-group layout
// (built from the declaration, not 'auto', so an input the shader ignores still binds), and one
// pipeline per set of override constants.

import { checkKernelDecl, type KernelDecl, type UniformLayout } from './kernelDecl.js';
import { shaderText } from './shaderStore.js';

export type Overrides = Readonly<Record<string, number>>;

export class CompiledKernel {
  readonly layout: UniformLayout;
  readonly bindGroupLayout: GPUBindGroupLayout;
  private readonly module: GPUShaderModule;
  private readonly pipelineLayout: GPUPipelineLayout;
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  /** Number of bindings: params (if any) + inputs + outputs + uniform windows. */
  readonly bindingCount: number;

  constructor(
    readonly device: GPUDevice,
    readonly decl: KernelDecl,
  ) {
    const code = shaderText(decl.file);
    this.layout = checkKernelDecl(decl, code);
    const hasParams = this.layout.fields.length > 0;
    const entries: GPUBindGroupLayoutEntry[] = [];
    let b = 0;
    if (hasParams) entries.push({ binding: b++, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } });
    for (const _ of decl.inputs) entries.push({ binding: b++, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'read-only-storage' } });
    for (const _ of decl.outputs) entries.push({ binding: b++, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } });
    for (const _ of decl.uniforms ?? []) entries.push({ binding: b++, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } });
    this.bindingCount = b;
    this.bindGroupLayout = device.createBindGroupLayout({ label: decl.file, entries });
    this.pipelineLayout = device.createPipelineLayout({ label: decl.file, bindGroupLayouts: [this.bindGroupLayout] });
    this.module = device.createShaderModule({ label: decl.file, code });
  }

  private key(overrides: Overrides): string {
    return Object.keys(overrides).sort().map((k) => `${k}=${overrides[k]}`).join(',');
  }

  hasPipeline(overrides: Overrides = {}): boolean {
    return this.pipelines.has(this.key(overrides));
  }

  pipeline(overrides: Overrides = {}): GPUComputePipeline {
    const key = this.key(overrides);
    let p = this.pipelines.get(key);
    if (!p) {
      p = this.device.createComputePipeline({
        label: key ? `${this.decl.file} {${key}}` : this.decl.file,
        layout: this.pipelineLayout,
        compute: { module: this.module, entryPoint: 'main', constants: { ...overrides } },
      });
      this.pipelines.set(key, p);
    }
    return p;
  }
}
