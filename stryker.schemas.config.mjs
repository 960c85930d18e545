// @ts-check
/**
 * The second half of `pnpm test:mutation`: the zod schemas and the gateway's retry and outcome tables, built when
 * their module loads, so most mutants in them are "static" (stryker.config.mjs ignores those to stay fast). Here
 * they are tested against their own few tests only (vitest.mutation-schemas.config.ts), which makes each static
 * mutant cheap.
 */
import base from './stryker.config.mjs';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  ...base,
  vitest: { configFile: 'vitest.mutation-schemas.config.ts' },
  mutate: [
    'packages/contracts/src/*.ts',
    '!packages/contracts/src/index.ts',
    'apps/backend/src/movies/query-schemas.ts',
    'apps/backend/src/original-api/query-schemas.ts',
    // Tables built at load too: Istio's default retryOn, the idempotent methods, each outcome's status and flag.
    'apps/gateway/src/retry-policy.ts',
    'apps/gateway/src/outcomes.ts',
  ],
  ignoreStatic: false,
  htmlReporter: { fileName: 'reports/mutation/schemas/index.html' },
  jsonReporter: { fileName: 'reports/mutation/schemas/mutation.json' },
};
