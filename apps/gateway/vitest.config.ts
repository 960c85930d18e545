import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Real processes on a shared 2-core machine: generous bounds, never tight timing.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The JSON report feeds `pnpm test` (packages/testkit/src/run-checks.ts), which prints CI's summary line.
    reporters: ['default', 'json'],
    outputFile: { json: '.test-results/vitest.json' },
  },
});
