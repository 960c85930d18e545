import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { renderOverlay, requireKubectl } from '@movies/mesh';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const analyzerDir = join(import.meta.dirname, '..');
const tsx = join(analyzerDir, '../../node_modules/.bin/tsx');

async function analyze(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(tsx, ['src/cli.ts', ...args], { cwd: analyzerDir });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('analyze CLI (a real process)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'analyze-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // A clean overlay's exit 0 is covered in-process by overlays.test.ts; one full run here proves the wiring.
  it('prints the findings of a broken file and exits 1', async () => {
    const { yaml } = await renderOverlay('80-20', { kubectl: requireKubectl() });
    const file = join(dir, 'broken.yaml');
    // The first `subset: v2` is the destination of the sticky pin rule pin-v2 (route 2).
    writeFileSync(file, yaml.replace('subset: v2', 'subset: v3'));
    const result = await analyze('--file', file, '--split', '80-20');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('FAIL  ');
    expect(result.stdout).toContain(
      '[subset-defined] VirtualService movies/movie-backend: route 2 (pin-v2) destination subset "v3" is not defined in DestinationRule movie-backend (has v1, v2)',
    );
  }, 180_000);

  it('rejects an unknown overlay with usage and exit 64 (EX_USAGE)', async () => {
    const result = await analyze('90-10');
    expect(result.code).toBe(64);
    expect(result.stderr).toContain('unknown overlay "90-10"');
    expect(result.stderr).toContain('usage: analyze');
  }, 180_000);
});
