// The autograd tape, micrograd-style: each op that sees an input requiring grad attaches a
// GradNode (its parents and a backward closure over the state it saved) to its output.
// backward() walks the nodes in reverse topological order and sums gradients per tensor.

import { shapeStr, WgslnetError } from '../gpu/errors.js';
import { keep } from './scope.js';
import { sameShape } from './shape.js';
import type { GradNode, Tensor } from './tensor.js';

let gradEnabled = true;

export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Runs fn without recording anything on the tape (evaluation, optimizer updates). */
export function noGrad<T>(fn: () => T): T {
  const before = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = before;
  }
}

/** Attaches a tape node to `out` if any parent requires grad. Returns `out`. */
export function record(out: Tensor, op: string, parents: readonly Tensor[], backward: GradNode['backward']): Tensor {
  if (gradEnabled && parents.some((p) => p.requiresGrad)) {
    out.requiresGrad = true;
    out.node = { op, parents, backward, used: false };
  }
  return out;
}

/** Hooks the tape needs from the ops layer (set by ops/index.ts; keeps this file free of kernels). */
export const tapeOps = {
  onesLike: null as unknown as (t: Tensor) => Tensor,
  add: null as unknown as (a: Tensor, b: Tensor) => Tensor,
  clone: null as unknown as (t: Tensor) => Tensor,
};

function topoOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  // Iterative DFS: ResNet-152's tape is deep enough to overflow a recursive walk.
  const stack: [Tensor, boolean][] = [[root, false]];
  while (stack.length) {
    const [t, expanded] = stack.pop()!;
    if (expanded) {
      order.push(t);
      continue;
    }
    if (seen.has(t)) continue;
    seen.add(t);
    stack.push([t, true]);
    for (const p of t.node?.parents ?? []) if (p.requiresGrad && !seen.has(p)) stack.push([p, false]);
  }
  return order; // parents before children
}

/**
 * Back-propagates from `root`. With no `gradient`, root must have one element (a loss).
 * Leaf tensors with requiresGrad accumulate into .grad (kept outside every tidy scope).
 */
export function backward(root: Tensor, gradient?: Tensor): void {
  if (!root.requiresGrad) throw new WgslnetError(`backward: tensor ${shapeStr(root.shape)} does not require grad (no input of the ops that made it did)`);
  if (!gradient && root.size !== 1) throw new WgslnetError(`backward: tensor ${shapeStr(root.shape)} is not a scalar; pass the gradient of the output`);
  if (gradient && !sameShape(gradient.shape, root.shape)) {
    throw new WgslnetError(`backward: gradient ${shapeStr(gradient.shape)} does not match tensor ${shapeStr(root.shape)}`);
  }
  const grads = new Map<Tensor, Tensor>();
  grads.set(root, gradient ?? tapeOps.onesLike(root));
  const order = topoOrder(root);
  // A backward may hand the same tensor to two parents (add passes gradOut to both); a leaf's .grad
  // must be its own tensor, so a gradient already given to a leaf (or the caller's) is copied.
  const owned = new Set<Tensor>(gradient ? [gradient] : []);
  for (let i = order.length - 1; i >= 0; i--) {
    const t = order[i]!;
    const g = grads.get(t);
    if (!g) continue;
    const node = t.node;
    if (!node) {
      // A leaf: accumulate into .grad, which the tensor owns (so it survives tidy()).
      const acc = t.grad ? tapeOps.add(t.grad, g) : owned.has(g) ? tapeOps.clone(g) : g;
      t.grad?.dispose();
      owned.add(acc);
      t.grad = keep(acc);
      continue;
    }
    if (node.used) throw new WgslnetError(`backward: the graph through ${node.op} was already used by an earlier backward()`);
    node.used = true;
    const parentGrads = node.backward(g);
    node.parents.forEach((p, k) => {
      const pg = parentGrads[k];
      if (!pg || !p.requiresGrad) return;
      if (!sameShape(pg.shape, p.shape)) {
        throw new WgslnetError(`backward of ${node.op}: gradient ${shapeStr(pg.shape)} does not match input ${shapeStr(p.shape)}`);
      }
      const prev = grads.get(p);
      grads.set(p, prev ? tapeOps.add(prev, pg) : pg);
    });
  }
}
