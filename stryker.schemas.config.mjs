// @ts-check
/**
 * The second half of `pnpm test:mutation`: the zod schemas, whose rules are built when their module loads, so
 * every mutant in them is "static" (stryker.config.mjs ignores those to stay fast). Here they are tested against
 * the few schema tests only (vitest.mutation-schemas.config.ts), which makes each static mutant cheap.
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
  ],
  ignoreStatic: false,
  htmlReporter: { fileName: 'reports/mutation/schemas/index.html' },
  jsonReporter: { fileName: 'reports/mutation/schemas/mutation.json' },
};
