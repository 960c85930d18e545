import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // Every test runs shell scripts as child processes (each kubectl call is a node process): generous limits
    // keep a busy 2-core machine from turning slowness into failures.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // The JSON report feeds `pnpm test` (packages/testkit/src/run-checks.ts), which prints CI's summary line.
    reporters: ['default', 'json'],
    outputFile: { json: '.test-results/vitest.json' },
  },
});
