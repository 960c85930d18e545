import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { distDir, frontendDir } from './paths';

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce(
    (newest, name) => Math.max(newest, newestMtime(join(path, name))),
    stat.mtimeMs,
  );
}

function run(command: string, args: string[], cwd: string): void {
  // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
  const env = { ...process.env, NODE_ENV: 'production' };
  const result = spawnSync(command, args, { cwd, stdio: 'inherit', env });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed with ${result.status ?? result.signal}`);
}

/** Builds the UI when dist is missing or older than its sources, so tests never run against a stale build. */
export function ensureFrontendBuild(): void {
  const builtAt = existsSync(join(distDir, 'index.html')) ? statSync(join(distDir, 'index.html')).mtimeMs : 0;
  const sourcesAt = Math.max(
    newestMtime(join(frontendDir, 'src')),
    newestMtime(join(frontendDir, 'index.html')),
    newestMtime(join(frontendDir, 'vite.config.ts')),
  );
  if (builtAt >= sourcesAt) return;
  console.log('[e2e] building the frontend (dist is missing or older than src)…');
  run('pnpm', ['exec', 'vite', 'build', '--logLevel', 'warn'], frontendDir);
}
