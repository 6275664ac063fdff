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
  },
});
