// One device per test file, with outputs NaN-poisoned so an element a kernel forgets to write fails.
import { init, setDebug } from '../../src/node/index.js';

export async function setupGpu(): Promise<void> {
  await init();
  setDebug({ poisonOutputs: true });
}
