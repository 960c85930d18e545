import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Every image check talks to podman, which is slow on a busy 2-core machine; builds set their own timeout.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // The JSON report feeds `pnpm test` (packages/testkit/src/run-checks.ts), which prints CI's summary line.
    reporters: ['default', 'json'],
    outputFile: { json: '.test-results/vitest.json' },
  },
});
