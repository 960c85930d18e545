import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Real processes on a shared 2-core machine: generous bounds, never tight timing.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The JSON report feeds scripts/test-report.mjs, which prints CI's "N passed, N failed" line.
    reporters: ['default', 'json'],
    outputFile: { json: '.test-results/vitest.json' },
  },
});
