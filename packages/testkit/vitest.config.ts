import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The runner's own tests start real Vitest and pnpm processes: generous bounds, never tight timing.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // The JSON report feeds the summary line of `pnpm test` (src/run-checks.ts).
    reporters: ['default', 'json'],
    outputFile: { json: '.test-results/vitest.json' },
  },
});
