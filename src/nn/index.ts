// nn: modules with torch.nn's names and initialisation.
export { Module } from './module.js';
export { Conv2d, BatchNorm, BatchNorm2d, BatchNorm1d, Linear, ReLU, MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, AdaptiveMaxPool2d, AdaptiveConcatPool2d, Dropout, Flatten, Sequential, type Conv2dOptions } from './layers.js';
