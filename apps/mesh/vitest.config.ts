import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Real kubectl renders and the first compile of Istio's large schemas take seconds on a busy 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The JSON report feeds scripts/test-report.mjs, which prints CI's "N passed, N failed" line.
    reporters: ['default', 'json'],
    outputFile: { json: '.test-results/vitest.json' },
  },
});
