import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Several suites start real server processes through tsx; on a busy 2-core machine that alone takes seconds.
    testTimeout: 60_000,
    hookTimeout: 30_000,
    // The JSON report feeds `pnpm test` (packages/testkit/src/run-checks.ts), which prints CI's summary line.
    reporters: ['default', 'json'],
    outputFile: { json: '.test-results/vitest.json' },
  },
});
