// @ts-check
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  // pnpm does not hoist the runner next to @stryker-mutator/core, so name it instead of relying on its glob.
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.mutation.config.ts' },
  coverageAnalysis: 'perTest',
  // The zod schemas (packages/contracts, the backend's query schemas) and the gateway's retry-policy.ts and
  // outcomes.ts, whose tables are built at load, are stryker.schemas.config.mjs's.
  mutate: [
    'packages/mesh/src/{header-operations,weights,stats,sticky-sessions,http-route,virtual-service,host-versions,split-format,rule-summary}.ts',
    'apps/gateway/src/attempts.ts',
    // The table itself, not OverlayLoader and k8sFingerprint, which render with kubectl and read k8s/.
    'apps/gateway/src/routing-table.ts:29-116',
    'apps/gateway/src/routing-table.ts:185-208',
    'apps/backend/src/catalogue/catalogue.ts',
    'apps/backend/src/errors.ts',
    // Only the report's numbers and verdict (buildTestReport to successRateByVersion), not its text formatting.
    'apps/traffic/src/commands/test.ts:16-105',
  ],
  concurrency: 2,
  // Code that runs when its module loads ("static" mutants) needs every test per mutant; the schemas, where most
  // of it is, get their own cheap run in stryker.schemas.config.mjs.
  ignoreStatic: true,
  timeoutMS: 10_000,
  reporters: ['html', 'json', 'clear-text', 'progress'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  thresholds: { high: 90, low: 85, break: 85 },
};
