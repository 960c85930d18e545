import { packageConfig } from '../../vitest.shared.js';

// The runner's own tests start real Vitest and pnpm processes: generous bounds, never tight timing.
export default packageConfig({ include: ['test/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 60_000 });
