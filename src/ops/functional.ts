// F: the functional namespace, PyTorch's torch.nn.functional by another name.
// Later op families (conv2d, batchNorm, pools) join here.

export { add, sub, mul, div, neg, relu, exp, log, sqrt, addRelu } from './elementwise.js';
export { sum, mean, max } from './reduce.js';
export { matmul } from './matmul.js';
export { reshape, flatten, permute, transpose, expand, clone, cat, narrow } from './layout.js';
export { logSoftmax, crossEntropy } from './loss.js';
export { conv2d } from './conv.js';
export { batchNorm, batchNormRelu, type BatchNormOptions } from './batchnorm.js';
export { maxPool2d, avgPool2d, adaptiveAvgPool2d, adaptiveMaxPool2d, adaptiveConcatPool2d, type PoolOptions } from './pool.js';
export { dropout, linear } from './dropout.js';
