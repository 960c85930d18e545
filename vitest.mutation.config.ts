/**
 * The unit tests `pnpm test:mutation` (stryker.config.mjs) runs against each mutant: only in-process tests of the
 * mutated modules — no servers on sockets, no child processes, no kubectl — so a mutant costs milliseconds.
 * Each package's own vitest.config.ts still runs every test in `pnpm test`.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'packages/mesh/test/{header-operations,host-versions,host-versions-edges,http-route,rule-summary,split-format,stats,stats-edges,sticky-pins,virtual-service,virtual-service-edges,weights}.test.ts',
      'apps/gateway/test/{attempts,outcomes,retry-policy,routing-table}.test.ts',
      // The API through supertest, in process: the catalogue's queries as the routes use them.
      'apps/backend/test/{api,catalogue,catalogue-queries,errors,query-schemas}.test.ts',
      'apps/traffic/test/{report,verdict}.test.ts',
    ],
    // Every test here takes milliseconds: a mutant that makes one hang fails it fast, without Stryker's timeout.
    testTimeout: 5_000,
  },
});
