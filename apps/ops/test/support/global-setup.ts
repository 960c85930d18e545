/**
 * Builds the ops helper bundle once before the suite, so the scripts under test start it with plain node
 * (scripts/lib/common.sh falls back to tsx, seconds slower per call, when the bundle is missing or stale).
 */
import { execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const appDir = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
  execFileSync('pnpm', ['run', '--silent', 'build'], { cwd: appDir, stdio: 'inherit' });
}
