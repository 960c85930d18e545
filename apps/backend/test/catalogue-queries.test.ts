/** The catalogue's queries on a hand-made catalogue: every sort's tie-breaks, search, paging, genres, the home feed. */
import { describe, expect, it } from 'vitest';
import { Catalogue, SORT_KEYS, searchKey } from '../src/catalogue/catalogue.js';
import type { Movie } from '../src/catalogue/schema.js';

function movie(id: number, fields: Partial<Movie>): Movie {
  return {
    id,
    title: `Film ${id}`,
    original_title: `Film ${id}`,
    original_language: 'hi',
    overview: null,
    release_date: '2000-01-01',
    genre_ids: [1],
    vote_average: 5,
    vote_count: 10,
    popularity: 1,
    poster_path: null,
    backdrop_path: null,
    ...fields,
  };
}

const genres = [
  { id: 1, name: 'Drama' },
  { id: 2, name: 'Action' },
  { id: 3, name: 'Comedy' },
  { id: 4, name: 'Empty' },
];

const movies = [
  movie(1, {
    title: 'Deewaar',
    popularity: 50,
    vote_average: 8,
    vote_count: 100,
    release_date: '1975-01-24',
    genre_ids: [1, 2],
  }),
  movie(2, {
    title: 'Sholay',
    popularity: 90,
    vote_average: 8,
    vote_count: 300,
    release_date: '1975-08-15',
    genre_ids: [2],
  }),
  movie(3, {
    title: 'Amar',
    popularity: 50,
    vote_average: 9,
    vote_count: 5,
    release_date: '1977-05-27',
    genre_ids: [3],
    overview: 'Three brothers',
  }),
  movie(4, {
    title: 'Anand',
    original_title: 'Ānand',
    popularity: 10,
    vote_average: 8,
    vote_count: 100,
    release_date: '1975-01-24',
    genre_ids: [1],
  }),
  movie(5, { title: 'Anand', popularity: 10, vote_average: 7, release_date: '1971-03-12', genre_ids: [3] }),
];

/** Built inside each test, so the constructor's indexing runs under the test (and its mutants are seen there). */
const build = () => new Catalogue({ catalogue: 'bollywood', genres, movies });
const ids = (list: readonly Movie[]) => list.map((m) => m.id);

describe('Catalogue', () => {
  it('knows its name, size, genres and movies by id', () => {
    const catalogue = build();
    expect([catalogue.name, catalogue.size]).toEqual(['bollywood', 5]);
    expect([catalogue.hasGenre(2), catalogue.hasGenre(9)]).toEqual([true, false]);
    expect(catalogue.genre(3)).toEqual({ id: 3, name: 'Comedy' });
    expect(catalogue.genre(9)).toBeUndefined();
    expect(catalogue.movie(2)?.title).toBe('Sholay');
    expect(catalogue.movie(9)).toBeUndefined();
    expect(catalogue.genresWithCounts).toEqual([
      { id: 1, name: 'Drama', count: 2 },
      { id: 2, name: 'Action', count: 2 },
      { id: 3, name: 'Comedy', count: 2 },
      { id: 4, name: 'Empty', count: 0 },
    ]);
  });

  it('sorts by each key with its tie-breaks', () => {
    const catalogue = build();
    const order = Object.fromEntries(SORT_KEYS.map((sort) => [sort, ids(catalogue.sorted(undefined, sort))]));
    expect(order).toEqual({
      popularity: [2, 1, 3, 4, 5],
      rating: [3, 2, 1, 4, 5],
      newest: [3, 2, 4, 1, 5],
      oldest: [5, 4, 1, 2, 3],
      title: [3, 4, 5, 1, 2],
    });
    expect(ids(catalogue.sorted(1, 'popularity'))).toEqual([1, 4]);
    expect(catalogue.sorted(9, 'popularity')).toEqual([]);
  });

  it('pages a listing and counts its pages', () => {
    const catalogue = build();
    const page = (pageNumber: number, perPage: number) =>
      catalogue.list({ page: pageNumber, perPage, sort: 'popularity' });
    expect(page(1, 2)).toEqual({
      page: 1,
      results: [movies[1], movies[0]],
      total_pages: 3,
      total_results: 5,
    });
    expect(ids(page(2, 2).results)).toEqual([3, 4]);
    expect(ids(page(3, 2).results)).toEqual([5]);
    expect(page(4, 2).results).toEqual([]);
    expect(page(1, 5).total_pages).toBe(1);
  });

  it('searches titles without case or accents, and overviews only when asked', () => {
    const catalogue = build();
    const search = (q: string, qInOverview?: boolean) =>
      ids(
        catalogue.list({
          page: 1,
          perPage: 20,
          sort: 'popularity',
          q,
          ...(qInOverview ? { qInOverview } : {}),
        }).results,
      );
    expect(search('ANAND')).toEqual([4, 5]);
    expect(search('ānand')).toEqual([4, 5]);
    expect(search('brothers')).toEqual([]);
    expect(search('brothers', true)).toEqual([3]);
    expect(search('amar', true)).toEqual([3]);
    expect(
      catalogue
        .list({ page: 1, perPage: 20, sort: 'popularity', genre: 3, q: 'anand' })
        .results.map((m) => m.id),
    ).toEqual([5]);
    expect(searchKey('Ḍeewaar')).toBe('deewaar');
  });

  it('lists the home genres with films, most films first, then by name', () => {
    const catalogue = build();
    expect(catalogue.homeGenres()).toEqual([
      { id: 2, name: 'Action' },
      { id: 3, name: 'Comedy' },
      { id: 1, name: 'Drama' },
    ]);
  });

  it('builds the home feed once per size: featured by popularity, rows by rating without repeats', () => {
    const catalogue = build();
    const feed = catalogue.home(1, 1);
    expect(ids(feed.featured)).toEqual([2]);
    // Equal scarcity: the lower genre id picks first, so Drama takes film 1 and Action, with nothing left, is dropped.
    expect(feed.sections.map((s) => [s.genre.name, s.total_results, ids(s.results)])).toEqual([
      ['Comedy', 2, [3]],
      ['Drama', 2, [1]],
    ]);
    expect(catalogue.home(1, 1)).toBe(feed);
    expect(catalogue.home(2, 1)).not.toBe(feed);
    expect(ids(catalogue.home(6).featured)).toEqual([2, 1, 3, 4, 5]);
  });
});
