import { existsSync } from 'node:fs';
import { chromiumPath } from './paths';

export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const isCI = process.env.CI === 'true';
export const hasChromium = existsSync(chromiumPath);
/** Outside CI a machine without Debian's chromium skips the browser suite; in CI it must run. */
export const runBrowserSuite = hasChromium || isCI;
