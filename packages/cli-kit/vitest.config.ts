import { packageConfig } from '../../vitest.shared.js';

// The runner's tests start real child processes: generous bounds for a busy machine, never tight timing.
export default packageConfig({ include: ['test/**/*.test.ts'], testTimeout: 60_000 });
