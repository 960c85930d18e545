/**
 * The original movie-verse API (the seed's UI calls it), answered beside ours: every path parses with its
 * @movies/contracts/original-api schema and parsing drops nothing, each default and the pagination edges hold
 * against the catalogue file itself, errors on its paths are `{ detail }` (ours keep `{ error }`), no query string
 * makes a 5xx, every answer names its version and catalogue, and TMDB mode answers it from TMDB.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  CATALOGUE_HEADER,
  DATA_SOURCE_HEADER,
  errorAnswerSchema,
  type Movie,
  originalAllGenresAnswerSchema,
  originalErrorSchema,
  originalGenresAnswerSchema,
  originalMovieDetailSchema,
  originalMoviePageSchema,
  VERSION_HEADER,
} from '@movies/contracts';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { searchKey } from '../src/catalogue/catalogue.js';
import { loadCatalogue } from '../src/catalogue/load.js';
import type { CatalogueFile } from '../src/catalogue/schema.js';
import { useFakeTmdb } from './fake-tmdb-server.js';
import { BACKEND_ROOT, testApp, tmdbAppOn } from './helpers.js';

type App = Parameters<typeof request>[0];
type Schema = {
  safeParse(value: unknown): { success: boolean; data?: unknown; error?: { message: string } };
};

const BUNDLED = [
  ['bollywood-data', 'v1', 'bollywood'],
  ['hollywood-data', 'v2', 'hollywood'],
] as const;

/** The catalogue file as written, read without the backend's code: the oracle for what each path must answer. */
function catalogueFile(dataDir: string): CatalogueFile {
  return JSON.parse(readFileSync(path.join(BACKEND_ROOT, 'data', dataDir, 'catalogue.json'), 'utf8'));
}

const byPopularity = (a: Movie, b: Movie) => b.popularity - a.popularity || a.id - b.id;
const inGenre = (file: CatalogueFile, genreId: number) =>
  file.movies.filter((movie) => movie.genre_ids.includes(genreId)).sort(byPopularity);

async function expectAnswer(app: App, url: string, schema: Schema, version = 'v1') {
  const res = await request(app).get(url);
  expect(res.status, `${url}: ${res.text.slice(0, 200)}`).toBe(200);
  const parsed = schema.safeParse(res.body);
  expect(parsed.success, `${url}: ${parsed.error?.message}`).toBe(true);
  expect(parsed.data, `${url}: a field the contract does not know`).toEqual(res.body);
  expect(res.headers[VERSION_HEADER], url).toBe(version);
  expect(res.headers[CATALOGUE_HEADER], url).toMatch(/^(bollywood|hollywood)$/);
  return res;
}

async function expectDetail(app: App, url: string, status: number, message?: RegExp) {
  const res = await request(app).get(url);
  expect(res.status, `${url}: ${res.text.slice(0, 200)}`).toBe(status);
  const parsed = originalErrorSchema.safeParse(res.body);
  expect(parsed.success, `${url}: not { detail }: ${res.text.slice(0, 200)}`).toBe(true);
  if (message) expect(res.body.detail, url).toMatch(message);
  expect(res.headers[VERSION_HEADER], url).toBe('v1');
  expect(res.headers[CATALOGUE_HEADER], url).toBe('bollywood');
  return res;
}

describe.each(BUNDLED)('the original API on the bundled %s catalogue', (dataDir, version, name) => {
  const file = catalogueFile(dataDir);
  const { app } = testApp({ catalogue: loadCatalogue(dataDir), serviceVersion: version });
  const withFilms = file.genres.filter((genre) => inGenre(file, genre.id).length > 0);
  const biggest = [...withFilms].sort((a, b) => inGenre(file, b.id).length - inGenre(file, a.id).length)[0];
  if (!biggest) throw new Error(`${dataDir}: no genre has films`);
  const biggestFilms = inGenre(file, biggest.id);

  it('GET /genres: every genre with its id and name, in the catalogue’s order (our answer, a superset)', async () => {
    const res = await request(app).get('/genres');
    const parsed = originalGenresAnswerSchema.parse(res.body);
    expect(parsed.genres.map(({ id, name: genreName }) => ({ id, name: genreName }))).toEqual(file.genres);
    expect(res.headers[CATALOGUE_HEADER]).toBe(name);
  });

  it('GET /movies/genre/{id}: page 1 of 20 by default, most popular first', async () => {
    expect(biggestFilms.length).toBeGreaterThan(20);
    const res = await expectAnswer(app, `/movies/genre/${biggest.id}`, originalMoviePageSchema, version);
    expect(res.headers[DATA_SOURCE_HEADER]).toBe('bundled');
    expect(res.body).toEqual({
      page: 1,
      results: biggestFilms.slice(0, 20),
      total_pages: Math.ceil(biggestFilms.length / 20),
      total_results: biggestFilms.length,
    });
  });

  it('GET /movies/genre/{id}: pages at the edges, each film exactly once across them', async () => {
    const total = biggestFilms.length;
    const perPage = 7;
    const lastPage = Math.ceil(total / perPage);
    const seen: number[] = [];
    for (let page = 1; page <= lastPage; page++) {
      const res = await expectAnswer(
        app,
        `/movies/genre/${biggest.id}?page=${page}&per_page=${perPage}`,
        originalMoviePageSchema,
        version,
      );
      expect(res.body.total_pages).toBe(lastPage);
      expect(res.body.results.length).toBe(page < lastPage ? perPage : total - perPage * (lastPage - 1));
      seen.push(...res.body.results.map((movie: Movie) => movie.id));
    }
    expect(seen).toEqual(biggestFilms.map((movie) => movie.id));
    // Past the last page: an empty page, not an error (as the original slices).
    const past = await expectAnswer(
      app,
      `/movies/genre/${biggest.id}?page=${lastPage + 1}&per_page=${perPage}`,
      originalMoviePageSchema,
      version,
    );
    expect(past.body).toEqual({
      page: lastPage + 1,
      results: [],
      total_pages: lastPage,
      total_results: total,
    });
    const one = await expectAnswer(
      app,
      `/movies/genre/${biggest.id}?per_page=1`,
      originalMoviePageSchema,
      version,
    );
    expect(one.body.results).toEqual(biggestFilms.slice(0, 1));
    expect(one.body.total_pages).toBe(total);
    const all = await expectAnswer(
      app,
      `/movies/genre/${biggest.id}?per_page=100&page=1`,
      originalMoviePageSchema,
      version,
    );
    expect(all.body.results).toEqual(biggestFilms.slice(0, 100));
    const last = await expectAnswer(
      app,
      `/movies/genre/${biggest.id}?page=500`,
      originalMoviePageSchema,
      version,
    );
    expect(last.body.results).toEqual([]);
  });

  it('GET /movies/all-genres: 5 most popular films per genre by default, genres with films in the list’s order', async () => {
    const res = await expectAnswer(app, '/movies/all-genres', originalAllGenresAnswerSchema, version);
    expect(res.headers[DATA_SOURCE_HEADER]).toBe('bundled');
    expect(res.body.genres).toEqual(
      withFilms.map((genre) => ({ ...genre, movies: inGenre(file, genre.id).slice(0, 5) })),
    );
    for (const limit of [1, 20]) {
      const sized = await expectAnswer(
        app,
        `/movies/all-genres?limit_per_genre=${limit}`,
        originalAllGenresAnswerSchema,
        version,
      );
      expect(sized.body.genres).toEqual(
        withFilms.map((genre) => ({ ...genre, movies: inGenre(file, genre.id).slice(0, limit) })),
      );
    }
  });

  it('GET /movies/search: title or overview, case-insensitive, most popular first, each film once', async () => {
    // A word some film has in its overview but no film in its title: only an overview search finds it.
    const overviewOnly = ['love', 'family', 'war', 'city', 'father', 'young', 'police'].find(
      (word) =>
        file.movies.some((movie) => movie.overview?.toLowerCase().includes(word)) &&
        !file.movies.some((movie) => `${movie.title} ${movie.original_title}`.toLowerCase().includes(word)),
    );
    expect(overviewOnly, 'a word found only in overviews').toBeDefined();
    for (const query of [overviewOnly ?? '', 'the', 'a']) {
      const upper = query.toUpperCase();
      const res = await expectAnswer(
        app,
        `/movies/search?query=${encodeURIComponent(upper)}&per_page=100`,
        originalMoviePageSchema,
        version,
      );
      // The original's rule, applied to the file: every film it finds is found, most popular first.
      const original = file.movies
        .filter(
          (movie) =>
            movie.title.toLowerCase().includes(query) || (movie.overview ?? '').toLowerCase().includes(query),
        )
        .sort(byPopularity);
      const ids = res.body.results.map((movie: Movie) => movie.id);
      expect(new Set(ids).size, `${query}: each film once`).toBe(ids.length);
      expect(res.body.total_results).toBeGreaterThanOrEqual(original.length);
      if (res.body.total_results <= 100) {
        expect(ids).toEqual(expect.arrayContaining(original.map((movie) => movie.id)));
      }
      // Nothing else: every answer has the text in a title or the overview (accents aside).
      for (const movie of res.body.results as Movie[]) {
        const text = searchKey(`${movie.title}\n${movie.original_title}\n${movie.overview ?? ''}`);
        expect(text, `${query}: ${movie.title}`).toContain(searchKey(query));
      }
      const popularity = res.body.results.map((movie: Movie) => movie.popularity);
      expect(popularity).toEqual([...popularity].sort((a, b) => b - a));
    }
  });

  it('GET /movies/search: page 1 of 20 by default; pages at the edges; blank matches every film', async () => {
    const everything = [...file.movies].sort(byPopularity);
    const res = await expectAnswer(app, '/movies/search?query=', originalMoviePageSchema, version);
    expect(res.body).toEqual({
      page: 1,
      results: everything.slice(0, 20),
      total_pages: Math.ceil(everything.length / 20),
      total_results: everything.length,
    });
    const lastPage = Math.ceil(everything.length / 100);
    const last = await expectAnswer(
      app,
      `/movies/search?query=%20&page=${lastPage}&per_page=100`,
      originalMoviePageSchema,
      version,
    );
    expect(last.body.results).toEqual(everything.slice((lastPage - 1) * 100));
    const past = await expectAnswer(
      app,
      `/movies/search?query=a&page=500&per_page=100`,
      originalMoviePageSchema,
      version,
    );
    expect(past.body.results).toEqual([]);
    const none = await expectAnswer(app, '/movies/search?query=zzqqxxj', originalMoviePageSchema, version);
    expect(none.body).toEqual({ page: 1, results: [], total_pages: 0, total_results: 0 });
  });

  it('GET /movie/{id}: the film as the catalogue holds it, with its genres’ names', async () => {
    for (const movie of [file.movies[0], file.movies.at(-1)] as Movie[]) {
      const res = await expectAnswer(app, `/movie/${movie.id}`, originalMovieDetailSchema, version);
      expect(res.headers[DATA_SOURCE_HEADER]).toBe('bundled');
      expect(res.body).toEqual({
        ...movie,
        genres: movie.genre_ids.map((id) => file.genres.find((genre) => genre.id === id)),
      });
    }
  });
});

describe('the original API’s errors: { detail } on its paths only', () => {
  const { app } = testApp();

  it('400 for a bad parameter, naming it', async () => {
    const cases: Array<[string, RegExp]> = [
      ['/movie/abc', /movie_id: must be a positive integer movie id/],
      ['/movie/0', /movie_id/],
      ['/movie/-5', /movie_id/],
      ['/movie/1.5', /movie_id/],
      ['/movie/019404', /movie_id/],
      ['/movies/genre/action', /genre_id: must be a positive integer genre id/],
      ['/movies/genre/0', /genre_id/],
      ['/movies/genre/18?page=0', /page: must be an integer from 1 to 500/],
      ['/movies/genre/18?page=501', /page/],
      ['/movies/genre/18?page=abc', /page/],
      ['/movies/genre/18?per_page=0', /per_page: must be an integer from 1 to 100/],
      ['/movies/genre/18?per_page=101', /per_page/],
      ['/movies/genre/18?page=1&page=2', /page: must be given once/],
      ['/movies/all-genres?limit_per_genre=0', /limit_per_genre: must be an integer from 1 to 20/],
      ['/movies/all-genres?limit_per_genre=21', /limit_per_genre/],
      ['/movies/all-genres?limit_per_genre=five', /limit_per_genre/],
      ['/movies/search', /query: missing/],
      ['/movies/search?page=1', /query: missing/],
      [`/movies/search?query=${'a'.repeat(201)}`, /query: must be at most 200 characters/],
      ['/movies/search?query=a&query=b', /query: must be given once/],
      ['/movies/search?query=a&page=0', /page/],
      ['/movies/search?query=a&per_page=101', /per_page/],
      ['/movie/%ZZ', /decode/],
    ];
    for (const [url, message] of cases) await expectDetail(app, url, 400, message);
  });

  it('404 for an unknown movie, an unknown genre and a genre without films', async () => {
    await expectDetail(app, '/movie/999999999', 404, /Movie with ID 999999999 not found/);
    await expectDetail(app, '/movies/genre/12345', 404, /No movies found for genre ID 12345/);
    // Documentary is in the fixture's genre list with no film in it.
    await expectDetail(app, '/movies/genre/99', 404, /No movies found for genre ID 99/);
    await expectDetail(app, '/movies/genre/18/more', 404);
  });

  it('405 in the same shape, with Allow', async () => {
    for (const url of ['/movie/19404', '/movies/search?query=a', '/movies/all-genres', '/movies/genre/18']) {
      const res = await request(app).post(url);
      expect(res.status, url).toBe(405);
      expect(res.headers.allow, url).toBe('GET, HEAD');
      expect(originalErrorSchema.safeParse(res.body).success, url).toBe(true);
    }
  });

  it('a demo fault on its paths is a { detail } 500; on ours an { error } 500', async () => {
    const faulty = testApp({ faults: { delayMs: 0, errorRate: 1 }, random: () => 0 }).app;
    const original = await request(faulty).get('/movie/19404');
    expect(original.status).toBe(500);
    expect(originalErrorSchema.parse(original.body).detail).toMatch(/Injected fault/);
    const ours = await request(faulty).get('/movies/19404');
    expect(ours.status).toBe(500);
    expect(errorAnswerSchema.parse(ours.body).error.code).toBe('injected_fault');
  });

  it('our own paths keep { error }: the adapter changes no answer of our API', async () => {
    for (const [url, status] of [
      ['/movies/abc', 400],
      ['/movies/999999999', 404],
      ['/movies?page=0', 400],
      ['/nowhere', 404],
      ['/moviesearch', 404],
    ] as const) {
      const res = await request(app).get(url);
      expect(res.status, url).toBe(status);
      expect(errorAnswerSchema.safeParse(res.body).success, url).toBe(true);
    }
  });

  it('no query string makes a 5xx: odd ones get a 200 or a { detail } 4xx', async () => {
    const paths = ['/movies/genre/18', '/movies/all-genres', '/movies/search', '/movie/19404', '/genres'];
    const oddQueries = [
      '',
      '?',
      '?&&&',
      '?page',
      '?page=',
      '?page=%00',
      '?page=1e2',
      '?page=-1',
      '?page=+1',
      '?page=%201',
      '?page=0x10',
      '?page=99999999999999999999',
      '?page[]=1',
      '?page[a]=1',
      '?per_page=1.0',
      '?per_page=NaN',
      '?per_page=Infinity',
      '?limit_per_genre=',
      '?limit_per_genre=1&limit_per_genre=2',
      '?query',
      '?query=%',
      '?query=%E0%A4',
      '?query=%FF%FE',
      '?query=%00',
      '?query=\u202E',
      '?query=.*',
      '?query=(((',
      '?query=%5C',
      '?query=a&year=2001',
      '?query[0]=a',
      '?query=a&query=',
      `?query=${encodeURIComponent('दिल')}`,
      '?__proto__=1',
      '?__proto__[page]=0',
      '?constructor=1',
      '?hasOwnProperty=1',
      '?toString=1',
      `?${'x'.repeat(4000)}=1`,
      `?query=${'é'.repeat(200)}`,
    ];
    let answered = 0;
    for (const url of paths) {
      for (const query of oddQueries) {
        const res = await request(app).get(`${url}${query}`);
        answered += 1;
        expect(res.status, `${url}${query}`).toBeLessThan(500);
        expect(res.headers[VERSION_HEADER], `${url}${query}`).toBe('v1');
        if (res.status >= 400 && url !== '/genres') {
          expect(originalErrorSchema.safeParse(res.body).success, `${url}${query}: ${res.text}`).toBe(true);
        }
      }
    }
    expect(answered).toBe(paths.length * oddQueries.length);
  });
});

describe('the original API in TMDB mode: from TMDB, as our own paths', () => {
  const fake = useFakeTmdb();

  it('each path asks TMDB and answers its films, marked tmdb', async () => {
    const { app, catalogue } = tmdbAppOn(fake().url);

    const page = await expectAnswer(app, '/movies/genre/18?page=2', originalMoviePageSchema);
    expect(page.headers[DATA_SOURCE_HEADER]).toBe('tmdb');
    expect(page.body).toMatchObject({ page: 2, total_results: 45, total_pages: 3 });
    expect(page.body.results).toHaveLength(20);
    const discover = fake().requests.find((call) => call.path === '/discover/movie');
    expect(discover?.query.get('with_genres')).toBe('18');
    expect(discover?.query.get('sort_by')).toBe('popularity.desc');
    expect(discover?.query.get('with_original_language')).toBe('hi');

    const all = await expectAnswer(
      app,
      '/movies/all-genres?limit_per_genre=3',
      originalAllGenresAnswerSchema,
    );
    expect(all.headers[DATA_SOURCE_HEADER]).toBe('tmdb');
    expect(all.body.genres.map((genre: { id: number }) => genre.id)).toEqual(
      catalogue.genres.map((genre) => genre.id),
    );
    for (const genre of all.body.genres as Array<{ id: number; movies: Movie[] }>) {
      expect(genre.movies).toHaveLength(3);
      for (const movie of genre.movies) expect(movie.genre_ids).toContain(genre.id);
    }

    const search = await expectAnswer(app, '/movies/search?query=love&page=1', originalMoviePageSchema);
    expect(search.headers[DATA_SOURCE_HEADER]).toBe('tmdb');
    expect(search.body.total_results).toBe(45);
    expect(
      fake()
        .requests.find((call) => call.path === '/search/movie')
        ?.query.get('query'),
    ).toBe('love');

    const detail = await expectAnswer(app, '/movie/4242', originalMovieDetailSchema);
    expect(detail.headers[DATA_SOURCE_HEADER]).toBe('tmdb');
    expect(detail.body).toMatchObject({ id: 4242, genre_ids: [18], genres: [{ id: 18, name: 'Drama' }] });
    expect(fake().requests.some((call) => call.path === '/movie/4242')).toBe(true);

    await expectDetail(app, '/movie/900001', 404, /Movie with ID 900001 not found/);
  });

  it('a genre TMDB has no films for is a 404; an unknown genre is one without asking TMDB', async () => {
    fake().totalResults = 0;
    const { app } = tmdbAppOn(fake().url);
    await expectDetail(app, '/movies/genre/18', 404, /No movies found for genre ID 18/);
    const asked = fake().requests.length;
    await expectDetail(app, '/movies/genre/12345', 404);
    expect(fake().requests.length).toBe(asked);
    const none = await expectAnswer(app, '/movies/all-genres', originalAllGenresAnswerSchema);
    expect(none.body).toEqual({ genres: [] });
  });

  it('TMDB down: the same shapes from the bundled catalogue, marked bundled', async () => {
    fake().mode = 'server_error';
    const { app, warnings } = tmdbAppOn(fake().url);
    for (const [url, schema] of [
      ['/movies/genre/18', originalMoviePageSchema],
      ['/movies/all-genres', originalAllGenresAnswerSchema],
      ['/movies/search?query=love', originalMoviePageSchema],
      ['/movie/19404', originalMovieDetailSchema],
    ] as const) {
      const res = await expectAnswer(app, url, schema);
      expect(res.headers[DATA_SOURCE_HEADER], url).toBe('bundled');
    }
    expect(warnings()).toHaveLength(1);
  });
});
