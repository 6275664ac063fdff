import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// Tests run on a real WebGPU adapter (lavapipe on a machine without a GPU). lavapipe already uses
// every core, so test files run one at a time; timeouts are generous because software GPUs are slow.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // No test reaches the internet or reads the user's weight caches: visionLearner's default
    // lookup of torchvision's weights finds nothing, says so and starts from random weights.
    // test/pretrained.test.ts sets its own caches and a local server.
    env: {
      WGSLNET_OFFLINE: '1',
      WGSLNET_CACHE_DIR: join(tmpdir(), 'wgslnet-tests-no-cache'),
      TORCH_HOME: join(tmpdir(), 'wgslnet-tests-no-torch-home'),
    },
  },
});
