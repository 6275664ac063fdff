// Parameter groups for the common "no weight decay on BatchNorm parameters and biases" rule.

import type { Module } from '../nn/module.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * Two groups: weights of rank ≥ 2 (conv and linear kernels) with `weightDecay`, and every rank-1
 * parameter (BatchNorm weights and biases, all biases) with none, as fastai and timm do.
 */
export function splitWeightDecay(model: Module | Tensor[], weightDecay: number): { params: Tensor[]; weightDecay: number }[] {
  const params = Array.isArray(model) ? model : model.parameters();
  return [
    { params: params.filter((p) => p.rank >= 2), weightDecay },
    { params: params.filter((p) => p.rank < 2), weightDecay: 0 },
  ];
}
