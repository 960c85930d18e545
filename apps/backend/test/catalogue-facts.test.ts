import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCatalogue, readOverviews, serialiseCatalogue } from '../src/catalogue/build-from-facts.js';
import { DEFAULT_FACTS_DIR, FactsError, factsDir, loadFacts } from '../src/catalogue/facts.js';
import { catalogueFilePath, loadCatalogue } from '../src/catalogue/load.js';
import type { CatalogueName, Movie } from '../src/catalogue/schema.js';
import { BACKEND_ROOT } from './helpers.js';

const CATALOGUES: CatalogueName[] = ['bollywood', 'hollywood'];

/** Every way a bundled film can disagree with TMDB's facts, one line each, so a failure names the film. */
function disagreements(movies: readonly Movie[], catalogue: CatalogueName): string[] {
  const facts = new Map(loadFacts(catalogue).films.map((film) => [film.id, film]));
  const problems: string[] = [];
  for (const movie of movies) {
    const fact = facts.get(movie.id);
    if (!fact) {
      problems.push(`${movie.id} "${movie.title}": no film with this TMDB id in the facts`);
      continue;
    }
    const fields = ['title', 'original_title', 'release_date', 'poster_path', 'backdrop_path'] as const;
    for (const field of fields) {
      if (movie[field] !== fact[field]) {
        problems.push(
          `${movie.id} ${field}: ${JSON.stringify(movie[field])}, TMDB says ${JSON.stringify(fact[field])}`,
        );
      }
    }
    if (JSON.stringify(movie.genre_ids) !== JSON.stringify(fact.genre_ids)) {
      problems.push(`${movie.id} "${movie.title}" genres ${movie.genre_ids}, TMDB says ${fact.genre_ids}`);
    }
  }
  return problems;
}

function duplicates(values: readonly (string | number)[]): (string | number)[] {
  const seen = new Set<string | number>();
  return values.filter((value) => {
    if (seen.has(value)) return true;
    seen.add(value);
    return false;
  });
}

describe('where the TMDB facts are read from', () => {
  it('is apps/backend/data/tmdb-facts inside the repository, with all three files', () => {
    expect(DEFAULT_FACTS_DIR).toBe(path.join(BACKEND_ROOT, 'data', 'tmdb-facts'));
    for (const file of ['bollywood.json', 'hollywood.json', 'genres.json', 'README.md']) {
      expect(existsSync(path.join(DEFAULT_FACTS_DIR, file)), file).toBe(true);
    }
    expect(factsDir({})).toBe(DEFAULT_FACTS_DIR);
    expect(factsDir({ TMDB_FACTS_DIR: '/srv/facts' })).toBe('/srv/facts');
  });

  it('fails with a message naming the missing file instead of skipping', () => {
    const nowhere = path.join(os.tmpdir(), 'no-such-tmdb-facts');
    expect(() => loadFacts('bollywood', nowhere)).toThrow(FactsError);
    expect(() => loadFacts('bollywood', nowhere)).toThrow(
      `TMDB facts file ${path.join(nowhere, 'bollywood.json')} not found`,
    );
  });
});

describe.each(CATALOGUES)('the bundled %s catalogue against the TMDB facts', (name) => {
  const catalogue = loadCatalogue(`${name}-data`);
  const movies = catalogue.sorted(undefined, 'popularity');

  it('agrees with the facts on every id, title, date, genre list and image path', () => {
    expect(disagreements(movies, name)).toEqual([]);
  });

  it('has no duplicate ids or titles', () => {
    expect(duplicates(movies.map((movie) => movie.id))).toEqual([]);
    expect(duplicates(movies.map((movie) => movie.title))).toEqual([]);
  });

  it('holds at least 200 films in at least 15 genres, 90 % of them with a poster and a backdrop', () => {
    expect(catalogue.size).toBeGreaterThanOrEqual(200);
    expect(catalogue.genresWithCounts.filter((genre) => genre.count > 0).length).toBeGreaterThanOrEqual(15);
    const share = (field: 'poster_path' | 'backdrop_path') =>
      movies.filter((movie) => movie[field] !== null).length / movies.length;
    expect(share('poster_path')).toBeGreaterThanOrEqual(0.9);
    expect(share('backdrop_path')).toBeGreaterThanOrEqual(0.9);
  });

  it('is exactly what `pnpm data:build` makes from the facts and our overviews', () => {
    const built = buildCatalogue(name, loadFacts(name), readOverviews(name));
    const committed = catalogueFilePath(`${name}-data`);
    const upToDate = readFileSync(committed, 'utf8') === serialiseCatalogue(built.catalogue);
    expect(upToDate, `${committed} differs from the build: run pnpm -F @movies/backend data:build`).toBe(
      true,
    );
  });
});

describe('the data test itself', () => {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'facts-test-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const [first, second] = loadCatalogue('bollywood-data').sorted(undefined, 'popularity');
  if (!first || !second) throw new Error('empty catalogue');

  it.each([
    ['a wrong id', { ...first, id: 999_999_999 }, 'no film with this TMDB id'],
    ['a wrong title', { ...first, title: `${first.title} 2` }, `${first.id} title`],
    ['a wrong date', { ...first, release_date: '1901-01-01' }, `${first.id} release_date`],
    ['a wrong genre list', { ...first, genre_ids: [99] }, 'genres 99'],
    ['a wrong poster', { ...first, poster_path: '/other.jpg' }, `${first.id} poster_path`],
  ])('catches %s', (_, movie, message) => {
    expect(disagreements([movie], 'bollywood').join('\n')).toContain(message);
  });

  it('catches duplicate ids and titles', () => {
    expect(duplicates([first.id, second.id, first.id])).toEqual([first.id]);
    expect(duplicates([first.title, second.title, first.title])).toEqual([first.title]);
  });

  it('refuses an overview filed under another film', () => {
    const facts = loadFacts('bollywood');
    const misfiled = {
      [String(first.id)]: { title: second.title, overview: 'A premise for some other film.' },
    };
    expect(() => buildCatalogue('bollywood', facts, misfiled)).toThrow(
      `overview for ${first.id} is titled "${second.title}"`,
    );
  });

  it('names a facts file that is not JSON', () => {
    writeFileSync(path.join(scratch, 'bollywood.json'), '{');
    expect(() => loadFacts('bollywood', scratch)).toThrow(
      `TMDB facts file ${path.join(scratch, 'bollywood.json')} is not valid JSON`,
    );
  });
});
