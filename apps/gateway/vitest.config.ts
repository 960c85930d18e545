import { packageConfig } from '../../vitest.shared.js';

// Real processes on a shared 2-core machine: generous bounds, never tight timing.
export default packageConfig({ testTimeout: 60_000, hookTimeout: 60_000 });
