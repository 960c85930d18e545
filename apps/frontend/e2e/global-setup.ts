import { ensureBackendBuilt } from '@movies/backend/testing';
import { ensureFrontendBuild } from './harness/builds';
import { browserGate } from './harness/chromium';
import { chromiumPath } from './harness/paths';

export default async function setup(): Promise<void> {
  // The bundle budget test reads dist, so the UI is built whatever the browser situation.
  ensureFrontendBuild();
  if (browserGate.run) await ensureBackendBuilt();
  else console.warn(`[e2e] ${chromiumPath} not found and CI is not set: the browser suite is skipped.`);
}
