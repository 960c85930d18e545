import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { TmdbFacts } from '../src/catalogue/facts.js';

export const FAKE_V3_KEY = '0123456789abcdef0123456789abcdef';
/** Shaped like TMDB's v4 read access tokens: a three-part JWT. */
export const FAKE_V4_TOKEN =
  'eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiJmYWtlLXRtZGItdGVzdCJ9.c2lnbmF0dXJlLW9mLWZha2UtdG9rZW4';

export type FakeTmdbMode =
  | 'ok'
  | 'timeout'
  | 'unauthorized'
  | 'rate_limited'
  | 'server_error'
  | 'bad_json'
  | 'wrong_shape';

export interface RecordedRequest {
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
}

export const FAKE_GENRES = [
  { id: 28, name: 'Action' },
  { id: 35, name: 'Comedy' },
  { id: 18, name: 'Drama' },
  { id: 10749, name: 'Romance' },
  { id: 80, name: 'Crime' },
  { id: 99, name: 'Documentary' },
];

export interface FakeTmdb {
  url: string;
  mode: FakeTmdbMode;
  /** How many movies discover/search report in total (20 per page, like TMDB). */
  totalResults: number;
  requests: RecordedRequest[];
  /**
   * Real films keyed by their real TMDB ids (from the facts): when set, /movie/:id answers these, and 404 for
   * any other id, as TMDB would. Null: synthetic films for any id below 900000.
   */
  films: TmdbFacts | null;
  close: () => Promise<void>;
}

function realDetail(facts: TmdbFacts, id: number) {
  const film = facts.films.find((candidate) => candidate.id === id);
  if (!film) return undefined;
  const { genre_ids: genreIds, ...fields } = film;
  const genres = genreIds.map((genreId) => ({
    id: genreId,
    name: facts.genres.find((genre) => genre.id === genreId)?.name ?? 'Unknown',
  }));
  return {
    adult: false,
    ...fields,
    overview: "TMDB contributors' text.",
    genres,
    runtime: 150,
    video: false,
  };
}

function fakeMovie(id: number, language: string, genreIds: number[]) {
  return {
    adult: false,
    id,
    title: `${language === 'hi' ? 'Hindi' : 'English'} Film ${id}`,
    original_title: `Original ${id}`,
    original_language: language,
    overview: `Synthetic TMDB overview ${id}.`,
    release_date: `20${String(10 + (id % 15)).padStart(2, '0')}-0${1 + (id % 9)}-1${id % 10}`,
    genre_ids: genreIds,
    vote_average: 5 + (id % 50) / 10,
    vote_count: 100 + id,
    popularity: 1000 - (id % 1000),
    poster_path: `/poster${id}.jpg`,
    backdrop_path: null,
    video: false,
  };
}

/** A real HTTP server on 127.0.0.1 speaking the slice of TMDB's v3 API the backend uses. */
export async function startFakeTmdb(): Promise<FakeTmdb> {
  const state: Omit<FakeTmdb, 'url' | 'close'> = { mode: 'ok', totalResults: 45, requests: [], films: null };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname.replace(/^\/3/, '');
    state.requests.push({ path, query: url.searchParams, headers: req.headers });
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json;charset=utf-8' }).end(JSON.stringify(body));
    };

    switch (state.mode) {
      case 'timeout':
        return; // never answers; the client's timeout must fire
      case 'unauthorized':
        return json(401, {
          status_code: 7,
          status_message: 'Invalid API key: You must be granted a valid key.',
        });
      case 'rate_limited':
        return json(429, {
          status_code: 25,
          status_message: 'Your request count is over the allowed limit.',
        });
      case 'server_error':
        return json(503, { status_code: 11, status_message: 'Internal error.' });
      case 'bad_json':
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"page": 1, "results": [');
        return;
      case 'wrong_shape':
        return json(200, { unexpected: true });
      case 'ok':
        break;
    }

    const bearer = req.headers.authorization === `Bearer ${FAKE_V4_TOKEN}`;
    const v3 = url.searchParams.get('api_key') === FAKE_V3_KEY;
    if (!bearer && !v3) return json(401, { status_code: 7, status_message: 'Invalid API key' });

    if (path === '/genre/movie/list') return json(200, { genres: FAKE_GENRES });
    const detail = /^\/movie\/(\d+)$/.exec(path);
    if (detail) {
      const id = Number(detail[1]);
      const real = state.films && realDetail(state.films, id);
      if (real) return json(200, real);
      if (state.films || id >= 900_000)
        return json(404, { status_code: 34, status_message: 'The resource could not be found.' });
      const { genre_ids: _ids, ...movie } = fakeMovie(id, 'hi', [18]);
      return json(200, { ...movie, genres: [{ id: 18, name: 'Drama' }], runtime: 150 });
    }
    if (path === '/discover/movie' || path === '/search/movie') {
      const page = Number(url.searchParams.get('page') ?? '1');
      const language = url.searchParams.get('with_original_language') ?? 'hi';
      const genre = Number(url.searchParams.get('with_genres') ?? '18');
      const totalPages = Math.ceil(state.totalResults / 20);
      const first = (page - 1) * 20;
      const count = Math.max(0, Math.min(20, state.totalResults - first));
      // Each genre has its own films (ids 1000 + 50 × genre onward), as the home feed shows a film once.
      const base = url.searchParams.has('with_genres') ? 1000 + genre * 50 : 1000;
      const results = Array.from({ length: count }, (_, i) =>
        fakeMovie(base + first + i, language, [genre, 35]),
      );
      return json(200, { page, results, total_pages: totalPages, total_results: state.totalResults });
    }
    return json(404, { status_code: 34, status_message: 'The resource could not be found.' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const fake = state as FakeTmdb;
  fake.url = `http://127.0.0.1:${port}/3`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}

/**
 * One fake TMDB for a test file or describe block: started before its tests, closed after them, and reset to its
 * defaults (ok, 45 results, no recorded requests, synthetic films) before each test. Read it through the getter.
 */
export function useFakeTmdb(): () => FakeTmdb {
  let fake: FakeTmdb | undefined;
  beforeAll(async () => {
    fake = await startFakeTmdb();
  });
  afterAll(async () => {
    await fake?.close();
  });
  beforeEach(() => {
    if (!fake) return;
    fake.mode = 'ok';
    fake.totalResults = 45;
    fake.requests.length = 0;
    fake.films = null;
  });
  return () => {
    if (!fake) throw new Error('the fake TMDB is used outside a test');
    return fake;
  };
}
