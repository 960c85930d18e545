import { existsSync } from 'node:fs';
import { toolGate } from '@movies/testkit';
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

/** Outside CI a machine without Debian's chromium skips the browser suites; in CI they run and fail. */
export const browserGate = toolGate(chromiumPath, existsSync(chromiumPath), 'the browser (e2e) suites');
