import { packageConfig } from '../../vitest.shared.js';

// Several suites start real server processes through tsx; on a busy 2-core machine that alone takes seconds.
export default packageConfig({ testTimeout: 60_000, hookTimeout: 30_000 });
