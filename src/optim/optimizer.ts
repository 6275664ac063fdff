// The optimizer machinery every update rule shares: parameter groups with their own
// hyperparameters, per-parameter state (its own step count, as torch's state[p]['step'], and its
// tensors, kept outside tidy), the small per-step hyper buffers the kernels read, zeroGrad, and
// state save/load keyed by parameter name, so a saved state survives a reordered parameter list.

import { shapeStr, WgslnetError } from '../gpu/errors.js';
import { runtime } from '../gpu/runtime.js';
import { zeros } from '../ops/creation.js';
import { keep } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';

/** Parameters, plain or named ([name, tensor], as module.namedParameters() gives them). */
export type ParamsInput = Tensor[] | [string, Tensor][];

export interface ParamGroup<H> {
  params: Tensor[];
  /** Each parameter's name: its key in the state dict (`${group}.${index}` when none was given). */
  names: string[];
  /** This group's hyperparameters; a schedule may change them between steps. */
  hyper: H;
}

export type GroupsInput<H> = ParamsInput | ({ params: ParamsInput } & Partial<H> & Record<string, unknown>)[];

/** A parameter's state: how many updates it has had, and its tensors (exp_avg, momentum_buffer …). */
interface ParamState {
  step: number;
  tensors: Record<string, Tensor>;
}

/** What stateDict() returns and loadStateDict() takes. */
export interface OptimizerStateDict {
  /** step() calls since the state was last reset (each parameter also keeps its own count). */
  step: number;
  /** `${parameterName}.${stateName}` → values; stateName `step` holds the parameter's step count. */
  tensors: Map<string, { shape: readonly number[]; values: Float32Array }>;
}

const isNamed = (p: Tensor | [string, Tensor]): p is [string, Tensor] => Array.isArray(p);

export abstract class Optimizer<H extends object> {
  readonly groups: ParamGroup<H>[];
  /** step() calls since the state was last reset. */
  stepCount = 0;
  protected readonly state = new Map<Tensor, ParamState>();
  /** Per group: hyper buffers, one per distinct step count among its parameters (usually one). */
  private readonly hyperSlots: Tensor[][];

  constructor(params: GroupsInput<H>, defaults: H) {
    const list = params.length && 'params' in (params[0] as object) ? (params as { params: ParamsInput }[]) : [{ params: params as ParamsInput }];
    if (!list.length || list.every((g) => !g.params.length)) throw new WgslnetError(`${this.constructor.name}: no parameters to optimise`);
    const seen = new Set<string>();
    this.groups = list.map(({ params: ps, ...rest }, gi) => {
      const named = (ps as (Tensor | [string, Tensor])[]).map((p, pi) => (isNamed(p) ? p : ([`${gi}.${pi}`, p] as [string, Tensor])));
      for (const [name, p] of named) {
        if (!p.requiresGrad) throw new WgslnetError(`${this.constructor.name}: parameter ${name} ${shapeStr(p.shape)} does not require grad`);
        if (seen.has(name)) throw new WgslnetError(`${this.constructor.name}: two parameters are named ${name}`);
        seen.add(name);
      }
      return { params: named.map(([, p]) => p), names: named.map(([n]) => n), hyper: { ...defaults, ...rest } as H };
    });
    this.hyperSlots = this.groups.map(() => []);
  }

  /** The values the kernel reads from its hyper buffer, for a parameter's step number t (1 on its first update). */
  protected abstract hyperValues(h: H, t: number): number[];
  /** Records the in-place update of one parameter (its gradient exists). */
  protected abstract update(p: Tensor, grad: Tensor, hyper: Tensor, h: H): void;

  /** One optimisation step over every parameter with a gradient (parameters without one are skipped, and keep their step count). */
  step(): void {
    this.stepCount++;
    this.groups.forEach((g, gi) => {
      const stepping = g.params.filter((p) => p.grad);
      const ts = stepping.map((p) => (this.state.get(p)?.step ?? 0) + 1);
      const distinct = [...new Set(ts)];
      const slots = this.hyperSlots[gi]!;
      while (slots.length < distinct.length) slots.push(keep(zeros([8])));
      distinct.forEach((t, k) => runtime().write(slots[k]!.buffer('optimizer step'), Float32Array.from(this.hyperValues(g.hyper, t))));
      stepping.forEach((p, j) => {
        this.paramState(p).step = ts[j]!;
        this.update(p, p.grad!, slots[distinct.indexOf(ts[j]!)]!, g.hyper);
      });
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

  private paramState(p: Tensor): ParamState {
    let s = this.state.get(p);
    if (!s) this.state.set(p, (s = { step: 0, tensors: {} }));
    return s;
  }

  /** The state tensor `name` of parameter p, created as zeros on first use. */
  protected stateOf(p: Tensor, name: string): Tensor {
    const s = this.paramState(p);
    return (s.tensors[name] ??= keep(zeros(p.shape)));
  }

  /** The state of every parameter that has one, keyed `${parameterName}.${stateName}`. */
  async stateDict(): Promise<OptimizerStateDict> {
    const tensors = new Map<string, { shape: readonly number[]; values: Float32Array }>();
    for (const g of this.groups) {
      for (const [i, p] of g.params.entries()) {
        const s = this.state.get(p);
        if (!s) continue;
        tensors.set(`${g.names[i]}.step`, { shape: [], values: Float32Array.of(s.step) });
        for (const [name, t] of Object.entries(s.tensors)) tensors.set(`${g.names[i]}.${name}`, { shape: t.shape, values: await t.toArray() });
      }
    }
    return { step: this.stepCount, tensors };
  }

  /**
   * Restores what stateDict() gave, matching parameters by name. Every key naming no parameter,
   * and every shape that differs from its parameter's, is reported in one error (nothing is loaded).
   */
  loadStateDict(sd: OptimizerStateDict): void {
    const byName = new Map(this.groups.flatMap((g) => g.params.map((p, i) => [g.names[i]!, p] as const)));
    const problems: string[] = [];
    const writes: [Tensor, string, string, Float32Array][] = [];
    for (const [key, { shape, values }] of sd.tensors) {
      const dot = key.lastIndexOf('.');
      const [name, what] = [key.slice(0, dot), key.slice(dot + 1)];
      const p = byName.get(name);
      if (!p) problems.push(`${key}: no parameter named ${name}`);
      else if (what === 'step') {
        if (values.length !== 1) problems.push(`${key}: a step count is one value, got ${values.length}`);
        else writes.push([p, name, what, values]);
      } else if (p.shape.join(',') !== shape.join(',')) problems.push(`${key}: ${shapeStr(shape)} does not match the parameter's ${shapeStr(p.shape)}`);
      else writes.push([p, name, what, values]);
    }
    if (problems.length) throw new WgslnetError(`optimizer state does not match this optimizer's parameters:\n  - ${problems.join('\n  - ')}`);
    for (const [p, name, what, values] of writes) {
      if (what === 'step') this.paramState(p).step = values[0]!;
      else runtime().write(this.stateOf(p, what).buffer('loadStateDict'), values);
      // A state saved without per-parameter steps (an older checkpoint): every parameter had sd.step.
      if (!sd.tensors.has(`${name}.step`)) this.paramState(p).step = sd.step;
    }
    this.stepCount = sd.step;
  }

  /** Frees the optimizer's state (call after freeze/unfreeze to reset it, as fastai does). */
  resetState(): void {
    for (const s of this.state.values()) for (const t of Object.values(s.tensors)) t.dispose();
    this.state.clear();
    this.stepCount = 0;
  }
}
