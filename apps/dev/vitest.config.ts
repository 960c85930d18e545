import { packageConfig } from '../../vitest.shared.js';

// Each test starts the whole local stack (two backends, Vite, the gateway) for real: generous bounds.
export default packageConfig({
  include: ['test/**/*.test.ts'],
  testTimeout: 180_000,
  hookTimeout: 60_000,
  fileParallelism: false,
});
