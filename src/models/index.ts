// models: torchvision-compatible architectures.
export { ResNet, resnet18, resnet34, resnet50, resnet101, resnet152, type ResNetOptions } from './resnet.js';
