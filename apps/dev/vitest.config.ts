import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Each test starts the whole local stack (two backends, Vite, the gateway) for real: generous bounds.
    testTimeout: 180_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    // The JSON report feeds `pnpm test` (packages/testkit/src/run-checks.ts), which prints CI's summary line.
    reporters: ['default', 'json'],
    outputFile: { json: '.test-results/vitest.json' },
  },
});
