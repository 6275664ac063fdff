// TensorFlow.js's WebGPU backend on the same adapter, for side-by-side rows. It is given Dawn's
// navigator.gpu from the `webgpu` package before it loads, so it runs on the very adapter we use.

import { nodeGpu } from '../src/node/index.js';

type Tf = typeof import('@tensorflow/tfjs-core');
let tf: Tf | null = null;

export async function loadTfjs(): Promise<Tf> {
  if (tf) return tf;
  const g = globalThis as { navigator?: { gpu?: GPU } };
  if (!g.navigator) Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true, writable: true });
  g.navigator!.gpu = nodeGpu();
  const core = await import('@tensorflow/tfjs-core');
  // tfjs-core's Node build registers no gradient functions (training needs them); the full
  // @tensorflow/tfjs package registers them on the same tfjs-core instance.
  await import('@tensorflow/tfjs');
  await import('@tensorflow/tfjs-backend-webgpu');
  await core.setBackend('webgpu');
  await core.ready();
  tf = core;
  return core;
}
