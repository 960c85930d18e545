/**
 * What every package's vitest.config.ts shares, imported by relative path (`../../vitest.shared.js`): where tests
 * live, and the JSON report that `pnpm test` (packages/testkit/src/run-checks.ts) reads from each package's
 * `.test-results/vitest.json` to print CI's summary line. Each package passes only what differs: its timeouts
 * (real processes on a busy 2-core machine need generous ones, never tight timing) and its own options.
 */
import { defineConfig, type ViteUserConfig } from 'vitest/config';

type TestOptions = NonNullable<ViteUserConfig['test']>;

/** The reporters of every package: the default one, and the JSON file run-checks.ts reads. */
export const testReport = {
  reporters: ['default', 'json'],
  outputFile: { json: '.test-results/vitest.json' },
} satisfies TestOptions;

/** A package's config: tests in `src/` and `test/` unless `test.include` says otherwise, with the shared report. */
export function packageConfig(test: TestOptions = {}): ViteUserConfig {
  return defineConfig({
    test: { include: ['src/**/*.test.ts', 'test/**/*.test.ts'], ...test, ...testReport },
  });
}
