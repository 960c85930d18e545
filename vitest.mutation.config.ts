/**
 * The unit tests `pnpm test:mutation` (stryker.config.mjs) runs against each mutant: only in-process tests of the
 * mutated modules — no servers on sockets, no child processes, no kubectl — so a mutant costs milliseconds.
 * Each package's own vitest.config.ts still runs every test in `pnpm test`.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'packages/contracts/test/contracts.test.ts',
      'packages/mesh/test/split-format.test.ts',
      'packages/mesh/test/stats.test.ts',
      'packages/mesh/test/sticky-sessions.test.ts',
      'packages/mesh/test/virtual-service.test.ts',
      'packages/mesh/test/unit/**/*.test.ts',
      'apps/gateway/test/routing-table.test.ts',
      'apps/gateway/test/unit/**/*.test.ts',
      'apps/backend/test/catalogue.test.ts',
      'apps/backend/test/unit/**/*.test.ts',
      'apps/traffic/test/report.test.ts',
      'apps/traffic/test/unit/**/*.test.ts',
    ],
    testTimeout: 60_000,
  },
});
