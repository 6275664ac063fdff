// optim: optimizers whose updates are WGSL kernels working in place, and schedules.
export { Optimizer, type ParamGroup, type GroupsInput, type ParamsInput, type OptimizerStateDict } from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Adam, AdamW, fastaiAdam, type AdamOptions } from './adam.js';
export { oneCycle, cosineSegment, cosineAnnealing, stepDecay, lrSlice, type OneCycleOptions } from './schedules.js';
export { splitWeightDecay } from './groups.js';
