import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Native training saturates both cores; running files in parallel only thrashes.
    fileParallelism: false,
    pool: 'forks',
  },
});
