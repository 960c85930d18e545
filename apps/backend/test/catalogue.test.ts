import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { distinctSections, SORT_KEYS } from '../src/catalogue/catalogue.js';
import {
  BUNDLED_DATA_ROOT,
  CatalogueLoadError,
  catalogueFilePath,
  loadCatalogue,
} from '../src/catalogue/load.js';
import type { Movie } from '../src/catalogue/schema.js';
import { BACKEND_ROOT, fixtureCatalogue, fixtureDir } from './helpers.js';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'catalogue-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function loadError(dataDir: string): CatalogueLoadError {
  try {
    loadCatalogue(dataDir);
  } catch (error) {
    expect(error).toBeInstanceOf(CatalogueLoadError);
    return error as CatalogueLoadError;
  }
  throw new Error(`expected ${dataDir} to fail`);
}

describe('loading', () => {
  it('resolves bundled names under apps/backend/data', () => {
    expect(BUNDLED_DATA_ROOT).toBe(path.join(BACKEND_ROOT, 'data') + path.sep);
    expect(catalogueFilePath('hollywood-data')).toBe(
      path.join(BACKEND_ROOT, 'data', 'hollywood-data', 'catalogue.json'),
    );
  });

  it('names the file when it is missing', () => {
    const error = loadError(path.join(scratch, 'nowhere'));
    expect(error.message).toContain(path.join(scratch, 'nowhere', 'catalogue.json'));
    expect(error.message).toContain('not found');
  });

  it('names the file when its JSON is corrupt', () => {
    const error = loadError(fixtureDir('corrupt'));
    expect(error.message).toContain(path.join(fixtureDir('corrupt'), 'catalogue.json'));
    expect(error.message).toContain('invalid JSON');
  });

  it('names the file and the broken field when the shape is wrong', () => {
    const error = loadError(fixtureDir('invalid'));
    expect(error.message).toContain(path.join(fixtureDir('invalid'), 'catalogue.json'));
    expect(error.message).toContain('movies.0.genre_ids: unknown genre id 99');
  });

  it('rejects duplicate movie ids', () => {
    const dir = path.join(scratch, 'duplicates');
    const movie = {
      id: 7,
      title: 'A',
      original_title: 'A',
      original_language: 'en',
      overview: '',
      release_date: '2000-01-01',
      genre_ids: [28],
      vote_average: 5,
      vote_count: 3,
      popularity: 1,
      poster_path: null,
      backdrop_path: null,
    };
    mkdirAndWrite(dir, {
      catalogue: 'hollywood',
      genres: [{ id: 28, name: 'Action' }],
      movies: [movie, movie],
    });
    expect(loadError(dir).message).toContain('duplicate movie id 7');
  });

  it('refuses relative or un-normalised DATA_DIR values instead of resolving them', () => {
    for (const dataDir of ['../../etc', 'bollywood-data/../../..', '/etc/../etc', 'data', '']) {
      expect(() => catalogueFilePath(dataDir)).toThrow(CatalogueLoadError);
    }
  });

  it('only ever reads catalogue.json inside DATA_DIR', () => {
    // A DATA_DIR holding a symlink named catalogue.json is the operator's choice; anything else is never opened.
    const dir = path.join(scratch, 'linked');
    mkdirAndWrite(dir, undefined);
    symlinkSync(path.join(fixtureDir('hollywood'), 'catalogue.json'), path.join(dir, 'catalogue.json'));
    expect(loadCatalogue(dir).name).toBe('hollywood');
    expect(catalogueFilePath(dir)).toBe(path.join(dir, 'catalogue.json'));
  });
});

describe('precomputed indexes', () => {
  const catalogue = fixtureCatalogue('bollywood');

  it('hold every movie once per sort key and genre', () => {
    for (const sort of SORT_KEYS) {
      expect(catalogue.sorted(undefined, sort)).toHaveLength(6);
      expect(catalogue.sorted(28, sort).every((movie) => movie.genre_ids.includes(28))).toBe(true);
      expect(catalogue.sorted(28, sort)).toHaveLength(3);
    }
  });

  it('serve listings by slicing the same arrays (no per-request sort)', () => {
    const page = catalogue.list({ page: 1, perPage: 3, sort: 'rating' });
    const index = catalogue.sorted(undefined, 'rating');
    page.results.forEach((movie, i) => {
      expect(movie).toBe(index[i]);
    });
  });
});

function mkdirAndWrite(dir: string, content: unknown): void {
  mkdirSync(dir, { recursive: true });
  if (content !== undefined) writeFileSync(path.join(dir, 'catalogue.json'), JSON.stringify(content));
}

describe('the home feed', () => {
  const film = (id: number, genreIds: number[]): Movie => ({
    id,
    title: `Film ${id}`,
    original_title: `Film ${id}`,
    original_language: 'en',
    overview: null,
    release_date: '2000-01-01',
    genre_ids: genreIds,
    vote_average: 5,
    vote_count: 10,
    popularity: 1,
    poster_path: null,
    backdrop_path: null,
  });
  const section = (id: number, movies: Movie[]) => ({
    genre: { id, name: `Genre ${id}` },
    total_results: movies.length,
    results: movies,
  });

  it('shows a film once: featured films in no row, shared films in the scarcest genre, rows in order', () => {
    const [a, b, c, d, e] = [
      film(1, [18, 99]),
      film(2, [18, 99]),
      film(3, [18]),
      film(4, [18]),
      film(5, [28]),
    ];
    if (!a || !b || !c || !d || !e) throw new Error('fixture');
    const rows = distinctSections([e], [section(18, [a, b, c, d]), section(99, [a, b]), section(28, [e])], 2);
    expect(rows.map((row) => [row.genre.id, row.results.map((movie) => movie.id)])).toEqual([
      [18, [3, 4]],
      [99, [1, 2]],
    ]);
    expect(rows[0]?.total_results).toBe(4);
  });

  it('never repeats a film in the bundled catalogues', () => {
    for (const dataDir of ['bollywood-data', 'hollywood-data']) {
      const feed = loadCatalogue(dataDir).home(10);
      const ids = [...feed.featured, ...feed.sections.flatMap((row) => row.results)].map((movie) => movie.id);
      expect(new Set(ids).size, dataDir).toBe(ids.length);
      const misplaced = feed.sections.flatMap((row) =>
        row.results.filter((movie) => !movie.genre_ids.includes(row.genre.id)),
      );
      expect(misplaced).toEqual([]);
    }
  });
});
