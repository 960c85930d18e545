import { describe, expect, it } from 'vitest';
import {
  allowedHostsFrom,
  authorizationFor,
  errorAnswerSchema,
  meshStateSchema,
  meshUpdateSchema,
  movieSchema,
  originalAllGenresAnswerSchema,
  originalErrorSchema,
  originalGenresAnswerSchema,
  originalMovieDetailSchema,
} from '../src/index.js';
import { movie } from './movie-fixture.js';

const issuesOf = (result: { success: boolean; error?: { issues: Array<{ path: PropertyKey[] }> } }) =>
  result.error?.issues.map((issue) => issue.path.join('.'));

describe('the API schemas', () => {
  it('take a movie as TMDB shapes it, overview null when we do not know the story', () => {
    expect(movieSchema.safeParse(movie).success).toBe(true);
  });

  it('name each field that breaks the contract', () => {
    const result = movieSchema.safeParse({
      ...movie,
      release_date: '20/10/1995',
      poster_path: 'https://image.tmdb.org/t/p/w500/x.jpg',
      genre_ids: [],
      vote_average: 11,
    });
    expect(issuesOf(result)).toEqual(['release_date', 'genre_ids', 'vote_average', 'poster_path']);
  });

  it('hold every error answer to { error: { code, message } }', () => {
    expect(errorAnswerSchema.safeParse({ error: { code: 'not_found', message: 'No movie' } }).success).toBe(
      true,
    );
    expect(errorAnswerSchema.safeParse({ error: 'No movie' }).success).toBe(false);
  });
});

describe('the original movie-verse API schemas', () => {
  it('take our genre list (a superset) and keep the fields the original UI reads', () => {
    const ours = { genres: [{ id: 35, name: 'Comedy', count: 3 }] };
    expect(originalGenresAnswerSchema.parse(ours)).toEqual({ genres: [{ id: 35, name: 'Comedy' }] });
  });

  it('want a detail with its genres named, and all-genres rows with their movies', () => {
    const genres = [
      { id: 35, name: 'Comedy' },
      { id: 18, name: 'Drama' },
      { id: 10749, name: 'Romance' },
    ];
    expect(originalMovieDetailSchema.safeParse({ ...movie, genres }).success).toBe(true);
    expect(issuesOf(originalMovieDetailSchema.safeParse(movie))).toEqual(['genres']);
    const row = { id: 35, name: 'Comedy', movies: [movie] };
    expect(originalAllGenresAnswerSchema.safeParse({ genres: [row] }).success).toBe(true);
    expect(
      issuesOf(originalAllGenresAnswerSchema.safeParse({ genres: [{ ...row, movies: undefined }] })),
    ).toEqual(['genres.0.movies']);
  });

  it('hold its errors to FastAPI’s { detail }, not ours', () => {
    expect(originalErrorSchema.safeParse({ detail: 'Movie with ID 1 not found' }).success).toBe(true);
    expect(originalErrorSchema.safeParse({ error: { code: 'not_found', message: 'No movie' } }).success).toBe(
      false,
    );
    expect(originalErrorSchema.safeParse({ detail: '' }).success).toBe(false);
  });
});

describe('the /__mesh schemas', () => {
  it('refuse weights outside 0–100 and a state without its counters', () => {
    const state = {
      source: '80-20',
      via: 'rendered',
      weights: { v1: 180, v2: -80 },
      rules: [],
      counts: {},
      countsSince: '2026-12-01T10:00:00.000Z',
      stats: { mirrored: 0, delayed: 0, aborted: 0, unrouted: 0 },
      upstreams: {},
      updatedAt: '2026-12-01T10:00:00.000Z',
      virtualServices: [],
      subsets: ['v1', 'v2'],
    };
    expect(issuesOf(meshStateSchema.safeParse(state))).toEqual(['weights.v1', 'weights.v2', 'traffic']);
  });

  it('take a PUT of an overlay or of weights, never both', () => {
    expect(meshUpdateSchema.safeParse({ overlay: '90-10' }).success).toBe(true);
    expect(meshUpdateSchema.safeParse({ weights: { v1: 90, v2: 10 } }).success).toBe(true);
    expect(meshUpdateSchema.safeParse({ overlay: '90-10', weights: { v1: 90 } }).success).toBe(false);
  });
});

describe('the gateway access rule', () => {
  it("reads Vite's server.allowedHosts syntax from GATEWAY_ALLOWED_HOSTS, plus the gateway's own listen name", () => {
    expect(allowedHostsFrom({})).toEqual([]);
    expect(allowedHostsFrom({ GATEWAY_HOST: '127.0.0.1' })).toEqual([]);
    expect(allowedHostsFrom({ GATEWAY_HOST: '::' })).toEqual([]);
    // A name that starts or ends with digits is still a name; only an all-digit-and-dot one is an address.
    expect(allowedHostsFrom({ GATEWAY_HOST: '10.box' })).toEqual(['10.box']);
    expect(allowedHostsFrom({ GATEWAY_HOST: 'box.10' })).toEqual(['box.10']);
    expect(
      allowedHostsFrom({ GATEWAY_HOST: 'MyBox.lan', GATEWAY_ALLOWED_HOSTS: 'a.lan, .Example.test,,' }),
    ).toEqual(['mybox.lan', 'a.lan', '.example.test']);
    expect(allowedHostsFrom({ GATEWAY_HOST: 'a.lan', GATEWAY_ALLOWED_HOSTS: 'a.lan' })).toEqual(['a.lan']);
    expect(allowedHostsFrom({ GATEWAY_ALLOWED_HOSTS: ' true ' })).toBe(true);
  });

  it('refuses what is not a host name, naming the variable', () => {
    for (const entry of ['*', 'http://a.lan', 'a.lan:8080', 'a..lan', '-a.lan', 'a.lan/x', '"a.lan"']) {
      expect(() => allowedHostsFrom({ GATEWAY_ALLOWED_HOSTS: `ok.lan,${entry}` }), entry).toThrow(
        `GATEWAY_ALLOWED_HOSTS must be host names separated by commas, such as mybox.lan,.example.test, or true (got ${JSON.stringify(entry)})`,
      );
    }
    expect(() => allowedHostsFrom({ GATEWAY_ALLOWED_HOSTS: '*,ok.lan,a..lan' })).toThrow(
      /\(got "\*", "a\.\.lan"\)$/,
    );
  });

  it('sends the token as a bearer credential', () => {
    expect(authorizationFor('abc')).toBe('Bearer abc');
  });
});
