import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Most test files wait on emulators (rate limits, retries, child processes) more than they compute: four
    // at once on the two-core CI machine took the suite from ~10 to ~4.2 minutes, all passing.
    maxWorkers: 4,
  },
});
