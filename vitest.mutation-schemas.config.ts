/** The tests stryker.schemas.config.mjs runs against each mutant of the schemas and tables (see vitest.mutation.config.ts). */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'packages/contracts/test/*.test.ts',
      'apps/backend/test/query-schemas.test.ts',
      'apps/gateway/test/{attempts,outcomes,retry-policy}.test.ts',
    ],
    testTimeout: 5_000,
  },
});
