import { join } from 'node:path';
import { run } from '@movies/cli-kit';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../src/images.js';

const tsx = join(repoRoot, 'node_modules', '.bin', 'tsx');
const images = (...args: string[]) =>
  run(tsx, ['src/cli.ts', ...args], { cwd: join(repoRoot, 'apps', 'images'), env: { ...process.env } });

describe('pnpm images (command line)', () => {
  it('explains itself', async () => {
    const result = await images('--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('k8s/base/kustomization.yaml');
  });

  it.each([
    [['--base', 'nope'], '--base must be one of auto, stand-in, pull'],
    [['--only', 'movie-db'], '--only must be one of movie-backend, movie-frontend'],
    [['--engine', 'rkt'], '--engine must be "docker" or "podman", got "rkt"'],
    [['--colour'], "Unknown option '--colour'"],
  ])('rejects %j with a clear message', async (args, message) => {
    const result = await images(...args);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(message);
  });
});
