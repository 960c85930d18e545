import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadCatalogue } from '../src/catalogue/load.js';
import type { CatalogueFile } from '../src/catalogue/schema.js';
import { FAKE_V3_KEY, FAKE_V4_TOKEN, type FakeTmdb, startFakeTmdb } from './fake-tmdb-server.js';
import { BACKEND_ROOT, TSX_LOADER, trackChild } from './helpers.js';

const CLI = path.join(BACKEND_ROOT, 'src', 'tmdb', 'refresh-cli.ts');
const BUNDLED_FILES = ['bollywood-data', 'hollywood-data'].map((dir) =>
  path.join(BACKEND_ROOT, 'data', dir, 'catalogue.json'),
);

let fake: FakeTmdb;
let scratch: string;
beforeAll(async () => {
  fake = await startFakeTmdb();
  scratch = mkdtempSync(path.join(os.tmpdir(), 'refresh-test-'));
});
afterAll(async () => {
  await fake.close();
  rmSync(scratch, { recursive: true, force: true });
});
beforeEach(() => {
  fake.mode = 'ok';
  fake.totalResults = 45;
  fake.requests.length = 0;
});

function refresh(args: string[], env: Record<string, string> = {}) {
  const child = trackChild(
    spawn(process.execPath, ['--import', TSX_LOADER, CLI, ...args], {
      cwd: scratch,
      env: { PATH: process.env.PATH ?? '', TMDB_API_KEY: FAKE_V3_KEY, TMDB_BASE_URL: fake.url, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += String(chunk);
  });
  child.stderr.on('data', (chunk) => {
    stderr += String(chunk);
  });
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const mtimes = () => BUNDLED_FILES.map((file) => statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0);

describe('data:refresh against a fake TMDB', () => {
  it('writes a valid catalogue the server loads, without TMDB’s prose, with a progress bar', async () => {
    const before = mtimes();
    const out = path.join(scratch, 'bollywood');
    const result = await refresh(['--catalogue', 'bollywood', '--out', out, '--pages', '8']);
    expect(result.stderr).toContain('Fetching bollywood from TMDB');
    expect(result.stderr).toContain('█');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Wrote 45 movies');

    const catalogue = loadCatalogue(out);
    expect(catalogue.name).toBe('bollywood');
    expect(catalogue.size).toBe(45);
    const file = JSON.parse(readFileSync(path.join(out, 'catalogue.json'), 'utf8')) as CatalogueFile;
    expect(file.movies.every((movie) => movie.original_language === 'hi')).toBe(true);
    // TMDB's overview text is not ours to bundle, and a plot is never guessed: new films have none.
    expect(file.movies.filter((movie) => movie.overview !== null)).toEqual([]);

    const discover = fake.requests.filter((call) => call.path === '/discover/movie');
    expect(discover.map((call) => call.query.get('page'))).toEqual(['1', '2', '3']);
    expect(discover[0]?.query.get('with_original_language')).toBe('hi');
    expect(mtimes()).toEqual(before);
  });

  it('keeps the overviews of movies already in the catalogue', async () => {
    const out = path.join(scratch, 'keep');
    await refresh(['--catalogue', 'bollywood', '--out', out, '--pages', '1']);
    const file = path.join(out, 'catalogue.json');
    const edited = JSON.parse(readFileSync(file, 'utf8')) as CatalogueFile;
    const first = edited.movies[0];
    if (!first) throw new Error('empty catalogue');
    first.overview = 'Our own hand-written summary.';
    writeFileSync(file, JSON.stringify(edited));
    const result = await refresh(['--catalogue', 'bollywood', '--out', out, '--pages', '1']);
    expect(result.code).toBe(0);
    const again = JSON.parse(readFileSync(file, 'utf8')) as CatalogueFile;
    expect(again.movies.find((movie) => movie.id === first.id)?.overview).toBe(
      'Our own hand-written summary.',
    );
  });

  it('copies TMDB’s overviews only when asked to (--tmdb-overviews, for a local copy)', async () => {
    const out = path.join(scratch, 'with-tmdb-text');
    const result = await refresh([
      '--catalogue',
      'bollywood',
      '--out',
      out,
      '--pages',
      '1',
      '--tmdb-overviews',
    ]);
    expect(result.code).toBe(0);
    const file = JSON.parse(readFileSync(path.join(out, 'catalogue.json'), 'utf8')) as CatalogueFile;
    expect(file.movies[0]?.overview).toBe(`Synthetic TMDB overview ${file.movies[0]?.id}.`);
  });

  it('uses the v2 filters and a v4 bearer token for hollywood', async () => {
    const out = path.join(scratch, 'hollywood');
    const result = await refresh(['--catalogue', 'hollywood', '--out', out, '--pages', '2'], {
      TMDB_API_KEY: FAKE_V4_TOKEN,
    });
    expect(result.code).toBe(0);
    expect(loadCatalogue(out).name).toBe('hollywood');
    const discover = fake.requests.find((call) => call.path === '/discover/movie');
    expect(discover?.query.get('with_origin_country')).toBe('US');
    expect(discover?.headers.authorization).toBe(`Bearer ${FAKE_V4_TOKEN}`);
  });

  it('leaves the existing file untouched and exits 1 when TMDB fails', async () => {
    const out = path.join(scratch, 'failing');
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, 'catalogue.json'), 'previous content');
    fake.mode = 'unauthorized';
    const result = await refresh(['--catalogue', 'bollywood', '--out', out]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Refresh failed');
    expect(result.stderr).toContain('unauthorized');
    expect(result.stderr).not.toContain(FAKE_V3_KEY);
    expect(readFileSync(path.join(out, 'catalogue.json'), 'utf8')).toBe('previous content');
  });

  it.each([
    [['--catalogue', 'bollywood'], { TMDB_API_KEY: '' }, 'TMDB_API_KEY is required'],
    [['--catalogue', 'tollywood'], {}, '--catalogue must be bollywood or hollywood'],
    [['--catalogue', 'bollywood', '--pages', '0'], {}, '--pages must be 1 to 50'],
  ])('%j refuses with a clear message', async (args, env, message) => {
    const result = await refresh(args, env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(message);
  });
});
