import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Several suites start real server processes through tsx; on a busy 2-core machine that alone takes seconds.
    testTimeout: 60_000,
    hookTimeout: 30_000,
    // The JSON report feeds scripts/test-report.mjs, which prints CI's "N passed, N failed" line.
    reporters: ['default', 'json'],
    outputFile: { json: '.test-results/vitest.json' },
  },
});
