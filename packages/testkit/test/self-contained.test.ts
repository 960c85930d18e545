/**
 * A clone of the repository is the whole project: nothing it tracks reads or names a path outside it, and a copy of
 * it in an empty folder, with no sibling folders at all, passes the suites that read the TMDB facts.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { tally, type VitestReport } from '../src/test-report.js';

const repoRoot = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

function trackedFiles(): string[] {
  return execFileSync('git', ['ls-files', '-z'], { cwd: repoRoot, encoding: 'utf8' })
    .split('\0')
    .filter((file) => file !== '' && existsSync(join(repoRoot, file)));
}

// Spelled in pieces so this file does not match itself.
const up = '\\.\\.';
const forbidden: ReadonlyArray<[RegExp, string]> = [
  [
    new RegExp(`${up}/shared\\b|'${up}',\\s*'shared'|shared/${'reference'}`),
    'the reference folder beside the clone',
  ],
  [new RegExp(`/usr/bin/${'kube'}ctl`), 'a fixed kubectl path (find it on the PATH or through $KUBECTL)'],
  [new RegExp(`/${'work'}/`), "a path on the maintainers' machine"],
];

const climb = /(?<![\w.])\.\.(?:[/\\]\.\.)*(?=[/\\'"`)\s]|$)/g;
const commentLine = /^\s*(\/\/|\/?\*|#)/;

/**
 * Relative paths that climb above the repository root from the file's own folder: markdown link targets, and in
 * other files any `../..` outside a comment line (a comment may name a path relative to another file).
 */
function escapes(file: string, text: string): string[] {
  const depth = dirname(file) === '.' ? 0 : dirname(file).split('/').length;
  const candidates = file.endsWith('.md')
    ? [...text.matchAll(/\]\(([^)\s]+)\)/g)].flatMap((link) => link[1]?.match(climb) ?? [])
    : text.split('\n').flatMap((line) => (commentLine.test(line) ? [] : (line.match(climb) ?? [])));
  return candidates.filter((path) => path.split(/[/\\]/).length > depth);
}

const skipped = new Set(['pnpm-lock.yaml']);

describe('the tracked files', () => {
  it('name no path outside the repository', () => {
    const problems: string[] = [];
    for (const file of trackedFiles()) {
      if (skipped.has(file)) continue;
      const text = readFileSync(join(repoRoot, file), 'utf8');
      if (text.includes('\0')) continue; // binary
      for (const [pattern, what] of forbidden) {
        const match = pattern.exec(text);
        if (match) problems.push(`${file}: "${match[0]}" (${what})`);
      }
      for (const climb of escapes(file, text))
        problems.push(`${file}: "${climb}" climbs above the repository root`);
    }
    expect(problems).toEqual([]);
  });

  it('the check itself finds each kind of outside path', () => {
    const dots = ['.', '.'].join('');
    const outside = [`x ${dots}/shared/x`, `'${dots}', 'shared'`, '/usr/bin/kube' + 'ctl', '/wo' + 'rk/main'];
    expect(outside.map((text) => forbidden.some(([pattern]) => pattern.test(text)))).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(forbidden.some(([pattern]) => pattern.test("@import './styles/shared.css'"))).toBe(false);
    const four = [dots, dots, dots, dots].join('/');
    expect(escapes('apps/backend/src/x.ts', `resolve(here, '${four}')`)).toEqual([four]);
    expect(escapes('apps/backend/src/x.ts', `resolve(here, '${four.slice(3)}')`)).toEqual([]);
    expect(escapes('apps/backend/src/x.ts', ` * imported as '${four}/x'`)).toEqual([]);
    expect(escapes('README.md', `[x](${dots}/other/README.md)`)).toEqual([dots]);
    expect(escapes('README.md', `remove \`${dots}/${dots}/x\` from it`)).toEqual([]);
  });
});

/** Runs a command in the copy with CI set and no TMDB_FACTS_DIR, so only the repository's own files can serve. */
function runIn(cwd: string, command: string, args: string[]): { status: number | null; output: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true' };
  delete env.TMDB_FACTS_DIR;
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** The suite's outcome as `pnpm test` would count it, from the exit code and the JSON report it wrote. */
function outcomeOf(name: string, dir: string, status: number | null) {
  const report = JSON.parse(readFileSync(join(dir, '.test-results', 'vitest.json'), 'utf8')) as VitestReport;
  return tally({ kind: 'suite', name, exitCode: status, report });
}

describe('a copy of the checkout in an empty folder', () => {
  const parent = mkdtempSync(join(tmpdir(), 'plain-clone-'));
  const copy = join(parent, 'clone');
  afterAll(() => rmSync(parent, { recursive: true, force: true }));

  it('installs and passes the suites that read the TMDB facts, with nothing beside it', () => {
    // The tracked files as they are in the work tree (committed or edited), as a clone of this commit would have.
    for (const file of trackedFiles()) {
      mkdirSync(dirname(join(copy, file)), { recursive: true });
      copyFileSync(join(repoRoot, file), join(copy, file));
    }
    expect(readdirSync(parent)).toEqual(['clone']); // nothing beside the copy
    expect(copy.startsWith(tmpdir() + sep)).toBe(true);

    const install = runIn(copy, 'pnpm', ['install', '--frozen-lockfile', '--offline']);
    expect(install.status, install.output).toBe(0);

    const backend = runIn(join(copy, 'apps', 'backend'), 'pnpm', [
      'exec',
      'vitest',
      'run',
      'test/catalogue-facts.test.ts',
      'test/tmdb.test.ts',
    ]);
    expect(backend.status, backend.output).toBe(0);
    const backendOutcome = outcomeOf('backend', join(copy, 'apps', 'backend'), backend.status);
    expect(backendOutcome.failed, backend.output).toBe(0);
    expect(backendOutcome.passed).toBeGreaterThan(10);

    const frontend = runIn(join(copy, 'apps', 'frontend'), 'pnpm', [
      'exec',
      'vitest',
      'run',
      '--project',
      'e2e',
      'e2e/catalogue-images.e2e.test.ts',
    ]);
    expect(frontend.status, frontend.output).toBe(0);
    const frontendOutcome = outcomeOf('frontend', join(copy, 'apps', 'frontend'), frontend.status);
    expect(frontendOutcome.failed, frontend.output).toBe(0);
    expect(frontendOutcome.passed).toBeGreaterThan(0);
  }, 900_000);
});
