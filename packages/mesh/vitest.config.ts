import { packageConfig } from '../../vitest.shared.js';

// Real kubectl renders and the first compile of Istio's large schemas take seconds on a busy 2-core machine.
export default packageConfig({ testTimeout: 60_000, hookTimeout: 60_000 });
