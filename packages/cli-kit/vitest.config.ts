import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The runner's tests start real child processes: generous bounds for a busy machine, never tight timing.
    testTimeout: 60_000,
    // The JSON report feeds the summary line of `pnpm test`.
    reporters: ['default', 'json'],
    outputFile: { json: '.test-results/vitest.json' },
  },
});
