import { packageConfig } from '../../vitest.shared.js';

// Every test runs shell scripts as child processes (each kubectl call is a node process): generous limits
// keep a busy 2-core machine from turning slowness into failures.
export default packageConfig({
  globalSetup: ['test/support/global-setup.ts'],
  testTimeout: 120_000,
  hookTimeout: 120_000,
});
