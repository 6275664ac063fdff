// The optimizer machinery every update rule shares: parameter groups with their own
// hyperparameters, per-parameter state tensors (kept outside tidy), a small per-group hyper
// buffer written once per step, zeroGrad, and state save/load.

import { shapeStr, WgslnetError } from '../gpu/errors.js';
import { runtime } from '../gpu/runtime.js';
import { zeros } from '../ops/creation.js';
import { keep } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';

export interface ParamGroup<H> {
  params: Tensor[];
  /** This group's hyperparameters; a schedule may change them between steps. */
  hyper: H;
}

export type GroupsInput<H> = Tensor[] | { params: Tensor[]; [k: string]: unknown }[];

export abstract class Optimizer<H extends object> {
  readonly groups: ParamGroup<H>[];
  /** Steps taken (t in the bias corrections). */
  stepCount = 0;
  protected readonly state = new Map<Tensor, Record<string, Tensor>>();
  /** Per group: the hyper values for a parameter's first update, and for every later one. */
  private readonly hyperTensors: { first: Tensor; later: Tensor }[];

  constructor(params: GroupsInput<H>, defaults: H) {
    const list = params.length && !('params' in (params[0] as object)) ? [{ params: params as Tensor[] }] : (params as { params: Tensor[] }[]);
    if (!list.length || list.every((g) => !g.params.length)) throw new WgslnetError(`${this.constructor.name}: no parameters to optimise`);
    this.groups = list.map(({ params: ps, ...rest }) => {
      for (const p of ps) if (!p.requiresGrad) throw new WgslnetError(`${this.constructor.name}: parameter ${shapeStr(p.shape)} does not require grad`);
      return { params: ps, hyper: { ...defaults, ...rest } as H };
    });
    this.hyperTensors = this.groups.map(() => ({ first: keep(zeros([8])), later: keep(zeros([8])) }));
  }

  /** The per-step values the kernel reads from `hyper`, for one group (first: the parameter's first update). */
  protected abstract hyperValues(h: H, first: boolean): number[];
  /** Records the in-place update of one parameter (its gradient exists). */
  protected abstract update(p: Tensor, grad: Tensor, hyper: Tensor, h: H): void;

  /** One optimisation step over every parameter with a gradient (parameters without one are skipped). */
  step(): void {
    this.stepCount++;
    this.groups.forEach((g, i) => {
      const h = this.hyperTensors[i]!;
      runtime().write(h.first.buffer('optimizer step'), Float32Array.from(this.hyperValues(g.hyper, true)));
      runtime().write(h.later.buffer('optimizer step'), Float32Array.from(this.hyperValues(g.hyper, false)));
    });
    this.groups.forEach((g, i) => {
      for (const p of g.params) {
        if (!p.grad) continue;
        const first = !this.state.has(p);
        this.update(p, p.grad, first ? this.hyperTensors[i]!.first : this.hyperTensors[i]!.later, g.hyper);
      }
    });
  }

  /** Frees every gradient (PyTorch's zero_grad(set_to_none=True)). */
  zeroGrad(): void {
    for (const g of this.groups) for (const p of g.params) {
      p.grad?.dispose();
      p.grad = null;
    }
  }

  /** A 1-element placeholder for a binding the kernel will not touch (kept for the optimizer's life). */
  protected placeholder(): Tensor {
    return (this.spare ??= keep(zeros([1])));
  }
  private spare: Tensor | null = null;

  /** The state tensor `name` of parameter p, created as zeros on first use. */
  protected stateOf(p: Tensor, name: string): Tensor {
    let s = this.state.get(p);
    if (!s) this.state.set(p, (s = {}));
    return (s[name] ??= keep(zeros(p.shape)));
  }

  /** Optimizer state for saving: `${groupIndex}.${paramIndex}.${name}` → values, and the step count. */
  async stateDict(): Promise<{ step: number; tensors: Map<string, { shape: readonly number[]; values: Float32Array }> }> {
    const tensors = new Map<string, { shape: readonly number[]; values: Float32Array }>();
    for (const [gi, g] of this.groups.entries()) {
      for (const [pi, p] of g.params.entries()) {
        for (const [name, t] of Object.entries(this.state.get(p) ?? {})) tensors.set(`${gi}.${pi}.${name}`, { shape: t.shape, values: await t.toArray() });
      }
    }
    return { step: this.stepCount, tensors };
  }

  loadStateDict(sd: { step: number; tensors: Map<string, { shape: readonly number[]; values: Float32Array }> }): void {
    for (const [key, { shape, values }] of sd.tensors) {
      const [gi, pi, name] = key.split('.') as [string, string, string];
      const p = this.groups[Number(gi)]?.params[Number(pi)];
      if (!p || p.shape.join(',') !== shape.join(',')) throw new WgslnetError(`optimizer state ${key}: ${shapeStr(shape)} does not match the parameter${p ? ' ' + shapeStr(p.shape) : ''}`);
      runtime().write(this.stateOf(p, name).buffer('loadStateDict'), values);
    }
    this.stepCount = sd.step;
  }

  /** Frees the optimizer's state (call after freeze/unfreeze to reset it, as fastai does). */
  resetState(): void {
    for (const s of this.state.values()) for (const t of Object.values(s)) t.dispose();
    this.state.clear();
    this.stepCount = 0;
  }
}
