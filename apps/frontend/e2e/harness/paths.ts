import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const frontendDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const repoRoot = resolve(frontendDir, '..', '..');
export const distDir = join(frontendDir, 'dist');
export const backendDataDir = join(repoRoot, 'apps', 'backend', 'data');
export const screenshotDir = join(frontendDir, 'test-output');
export const chromiumPath = '/usr/bin/chromium';
