// The browser entry: navigator.gpu for the GPU, and the shader files bundled into the script
// (shaderTexts.ts: generated into dist/ by the build, or a virtual module when bundling sources).

import shaderTexts from './shaderTexts.js';
import { initWith, type Engine, type InitOptions } from '../core.js';
import { setImageIO } from '../data/loader.js';
import { setFileIO } from '../io/platform.js';
import { browserFileIO } from './files.js';
import { browserImageIO } from './images.js';
import { setWeightStore } from '../io/weightStore.js';
import { browserWeightStore } from './weightStore.js';

setImageIO(browserImageIO);
setWeightStore(browserWeightStore);
setFileIO(browserFileIO);

export * from '../core.js';
export { memoryFiles } from './files.js';
export { verifyImages } from './verify.js';

export async function init(opts: Omit<InitOptions, 'shaders'> = {}): Promise<Engine> {
  return initWith({ ...opts, shaders: Object.entries(shaderTexts) });
}
