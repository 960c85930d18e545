import { packageConfig } from '../../vitest.shared.js';

// Every image check talks to podman, which is slow on a busy 2-core machine; builds set their own timeout.
export default packageConfig({ testTimeout: 60_000, hookTimeout: 120_000 });
