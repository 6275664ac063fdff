// The architectures visionLearner, exportLearner and the CLI know by name.

import { WgslnetError } from '../gpu/errors.js';
import { resnet18, resnet34, resnet50, resnet101, resnet152, type ResNet, type ResNetOptions } from '../models/resnet.js';

export type Arch = (opts?: ResNetOptions) => ResNet;

export const ARCHS: Record<string, Arch> = { resnet18, resnet34, resnet50, resnet101, resnet152 };

export function archName(arch: Arch): string {
  const name = Object.entries(ARCHS).find(([, f]) => f === arch)?.[0];
  if (!name) throw new WgslnetError(`unknown architecture; use one of ${Object.keys(ARCHS).join(', ')}`);
  return name;
}

export function archByName(name: string): Arch {
  const a = ARCHS[name];
  if (!a) throw new WgslnetError(`unknown architecture '${name}'; use one of ${Object.keys(ARCHS).join(', ')}`);
  return a;
}

