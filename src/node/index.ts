// The Node entry: Dawn (the `webgpu` package) for the GPU, shaders read from the package's
// shaders/ folder. Everything else is the shared core.

import { create, globals } from 'webgpu';
import { initWith, type Engine, type InitOptions } from '../core.js';
import { readShaderFolder } from './shaders.js';
import { setFileIO } from '../io/platform.js';
import { nodeFileIO } from './files.js';
import { setImageIO } from '../data/loader.js';
import { nodeImageIO } from './images.js';
import { setGpuWait } from '../gpu/runtime.js';
import { quietly } from './quietWait.js';
import { setWeightStore } from '../io/weightStore.js';
import { nodeWeightStore } from './weightStore.js';

setFileIO(nodeFileIO);
setImageIO(nodeImageIO);
setGpuWait(quietly);
setWeightStore(nodeWeightStore);

export * from '../core.js';
export { getImageFiles } from './imageFiles.js';
export { decodeImage } from './decode.js';
export { setDecodeWorkers, verifyImages } from './images.js';
export { wgslnetCacheDir, torchHubCacheDir } from './weightStore.js';
export { imagesFrom, convertInputs, listInputs, type ConvertKind, type ConvertOptions, type ConvertedImage } from './convertFiles.js';

let dawn: GPU | null = null;

/** Dawn's GPU object, created once (WebGPU's globals such as GPUBufferUsage are installed too). */
export function nodeGpu(): GPU {
  if (!dawn) {
    Object.assign(globalThis, globals);
    dawn = create([]) as GPU;
  }
  return dawn;
}

export async function init(opts: Omit<InitOptions, 'gpu' | 'shaders'> = {}): Promise<Engine> {
  return initWith({ ...opts, gpu: nodeGpu(), shaders: readShaderFolder() });
}
