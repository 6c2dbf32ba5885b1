import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Every core runs test files (vitest leaves one idle by default): the suite must fit CI's budget on 2 cores.
    maxWorkers: availableParallelism(),
    // Files share the cores, so a full-spec search runs slower than alone.
    testTimeout: 180_000,
  },
});
