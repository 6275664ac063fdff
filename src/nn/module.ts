// Module: named parameters, buffers and children, with PyTorch's naming, so that a model's
// stateDict() keys are exactly torchvision's (`layer1.0.conv1.weight`, `bn1.running_var`, …).
// Parameters and buffers are kept outside every tidy() scope: they live as long as the module.

import { shapeStr, WgslnetError } from '../gpu/errors.js';
import { assign } from '../ops/layout.js';
import { keep } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';

export abstract class Module {
  training = true;
  private readonly params = new Map<string, Tensor>();
  private readonly buffers = new Map<string, Tensor>();
  private readonly children = new Map<string, Module>();

  abstract forward(x: Tensor): Tensor;

  /** Registers a trainable tensor under `name` (requiresGrad on, kept alive). */
  protected param(name: string, t: Tensor): Tensor {
    t.requiresGrad = true;
    this.params.set(name, keep(t));
    return t;
  }

  /** Registers a state tensor under `name` (saved and loaded, never trained). */
  protected buffer(name: string, t: Tensor): Tensor {
    this.buffers.set(name, keep(t));
    return t;
  }

  /** Registers a submodule under `name` (its keys get the prefix `name.`). */
  protected child<M extends Module>(name: string, m: M): M {
    this.children.set(name, m);
    return m;
  }

  /** [key, tensor] for every parameter, depth-first in registration order (as torch's named_parameters). */
  namedParameters(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [...this.params].map(([k, t]) => [prefix + k, t]);
    for (const [name, m] of this.children) out.push(...m.namedParameters(`${prefix}${name}.`));
    return out;
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, t]) => t);
  }

  namedBuffers(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [...this.buffers].map(([k, t]) => [prefix + k, t]);
    for (const [name, m] of this.children) out.push(...m.namedBuffers(`${prefix}${name}.`));
    return out;
  }

  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [[prefix.replace(/\.$/, ''), this]];
    for (const [name, m] of this.children) out.push(...m.namedModules(`${prefix}${name}.`));
    return out;
  }

  /** Called before the state dict is read: a module holding state in JS writes it to its tensors. */
  protected syncState(): void {}

  /** Parameters and buffers by key, as torch's state_dict() (module by module, parameters first). */
  stateDict(prefix = ''): Map<string, Tensor> {
    this.syncState();
    const out = new Map<string, Tensor>();
    for (const [k, t] of this.params) out.set(prefix + k, t);
    for (const [k, t] of this.buffers) out.set(prefix + k, t);
    for (const [name, m] of this.children) for (const [k, t] of m.stateDict(`${prefix}${name}.`)) out.set(k, t);
    return out;
  }

  /** Number of trainable elements (torchvision's parameter count). */
  numParameters(): number {
    return this.parameters().reduce((n, t) => n + t.size, 0);
  }

  train(mode = true): this {
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /**
   * torch's load_state_dict: copies each tensor of `dict` (key → tensor, such as another model's
   * stateDict()) into the parameter or buffer of this module with the same key, on the GPU. Strict
   * by default: every missing, unexpected and wrong-shape key is reported in one error and nothing
   * is copied. Non-strict, the keys both have are copied (shapes must still match) and the others
   * are returned, as torch returns them.
   */
  loadStateDict(dict: Map<string, Tensor> | Record<string, Tensor>, opts: { strict?: boolean } = {}): { missingKeys: string[]; unexpectedKeys: string[] } {
    const src = dict instanceof Map ? dict : new Map(Object.entries(dict));
    const keys = this.checkStateKeys(new Map([...src].map(([k, t]) => [k, t.shape])), 'the state dict', opts.strict ?? true);
    const own = this.stateDict();
    for (const k of keys) if (src.get(k) !== own.get(k)) assign(own.get(k)!, src.get(k)!);
    return { missingKeys: [...own.keys()].filter((k) => !src.has(k)), unexpectedKeys: [...src.keys()].filter((k) => !own.has(k)) };
  }

  /** Loads torchvision/timm-named safetensors weights (path, URL or bytes); see nn/weights.ts. */
  async loadSafetensors(source: string | Uint8Array | ArrayBuffer, opts: { strict?: boolean } = {}): Promise<string[]> {
    const { loadSafetensors } = await import('./weights.js');
    return loadSafetensors(this, source, opts.strict ?? true);
  }

  /**
   * Loads a PyTorch `.pth` checkpoint (path, URL or bytes; torch.save's zip or legacy format) through
   * a restricted unpickler that runs nothing; strict as loadSafetensors. `log` hears which key
   * ('state_dict', 'model') held a nested state dict.
   */
  async loadPth(source: string | Uint8Array | ArrayBuffer, opts: { strict?: boolean; log?: (line: string) => void } = {}): Promise<string[]> {
    const { loadPth } = await import('./weights.js');
    return loadPth(this, source, opts.strict ?? true, opts.log);
  }

  /** Saves the weights as safetensors, atomically; loads in PyTorch with torchvision's names. */
  async saveSafetensors(path: string, metadata?: Record<string, string>): Promise<void> {
    const { saveSafetensors } = await import('./weights.js');
    return saveSafetensors(this, path, metadata);
  }

  /** Frees every parameter and buffer. */
  dispose(): void {
    for (const t of this.stateDict().values()) t.dispose();
  }

  /**
   * Checks `shapes` (key → shape) against this module's state dict and reports every missing,
   * unexpected and wrong-shape key in one error. Returns the keys to copy.
   */
  checkStateKeys(shapes: Map<string, readonly number[]>, source: string, strict = true): string[] {
    const own = this.stateDict();
    const missing = [...own.keys()].filter((k) => !shapes.has(k));
    const unexpected = [...shapes.keys()].filter((k) => !own.has(k));
    const wrong = [...own].filter(([k, t]) => shapes.has(k) && shapes.get(k)!.join(',') !== t.shape.join(','));
    const problems = [
      ...(strict && missing.length ? [`missing keys: ${missing.join(', ')}`] : []),
      ...(strict && unexpected.length ? [`unexpected keys: ${unexpected.join(', ')}`] : []),
      ...wrong.map(([k, t]) => `${k}: shape ${shapeStr(shapes.get(k)!)} in ${source}, ${shapeStr(t.shape)} in the model`),
    ];
    if (problems.length) throw new WgslnetError(`loading ${source}:\n  - ${problems.join('\n  - ')}`);
    return [...own.keys()].filter((k) => shapes.has(k));
  }
}
