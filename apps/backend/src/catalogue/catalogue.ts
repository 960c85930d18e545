import type { GenreWithCount, HomeFeed, HomeSection, MoviePage } from '@movies/contracts/api';
import type { CatalogueFile, CatalogueName, Genre, Movie } from './schema.js';

export type { GenreWithCount, HomeFeed, HomeSection, MoviePage };

export const SORT_KEYS = ['popularity', 'rating', 'newest', 'oldest', 'title'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

const byTitle = (a: Movie, b: Movie) => a.title.localeCompare(b.title, 'en') || a.id - b.id;
const COMPARATORS: Record<SortKey, (a: Movie, b: Movie) => number> = {
  popularity: (a, b) => b.popularity - a.popularity || a.id - b.id,
  rating: (a, b) => b.vote_average - a.vote_average || b.vote_count - a.vote_count || a.id - b.id,
  newest: (a, b) => b.release_date.localeCompare(a.release_date) || byTitle(a, b),
  oldest: (a, b) => a.release_date.localeCompare(b.release_date) || byTitle(a, b),
  title: byTitle,
};

export interface ListQuery {
  page: number;
  perPage: number;
  sort: SortKey;
  genre?: number;
  q?: string;
  /** Match `q` in the overview too (the original movie-verse API's search), not only in the titles. */
  qInOverview?: boolean;
}

/** Lower-cased, accent-free text so "deewar" finds "Deewaar"-style spellings with diacritics too. */
export function searchKey(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/**
 * An immutable catalogue with every listing order computed once at start-up: a request only slices (and, with q,
 * filters) an already-sorted array.
 */
export class Catalogue {
  readonly name: CatalogueName;
  readonly genres: readonly Genre[];
  readonly genresWithCounts: readonly GenreWithCount[];
  readonly size: number;
  private readonly movieById = new Map<number, Movie>();
  private readonly genreById = new Map<number, Genre>();
  private readonly searchText = new Map<number, string>();
  /** The titles' search text plus the overview's, for searches that look into overviews too. */
  private readonly searchTextWithOverview = new Map<number, string>();
  /** Key: `${genreId | 'all'}:${sort}`. */
  private readonly sortedIndex = new Map<string, readonly Movie[]>();
  /** Home feeds by `${perGenre}:${featuredCount}`: at most 20 × a few, computed on first use. */
  private readonly homeFeeds = new Map<string, HomeFeed>();

  constructor(file: CatalogueFile) {
    this.name = file.catalogue;
    this.genres = file.genres;
    this.size = file.movies.length;
    for (const genre of file.genres) this.genreById.set(genre.id, genre);
    for (const movie of file.movies) {
      this.movieById.set(movie.id, movie);
      const titles = searchKey(`${movie.title}\n${movie.original_title}`);
      this.searchText.set(movie.id, titles);
      this.searchTextWithOverview.set(
        movie.id,
        movie.overview === null ? titles : `${titles}\n${searchKey(movie.overview)}`,
      );
    }
    for (const sort of SORT_KEYS) {
      const sorted = [...file.movies].sort(COMPARATORS[sort]);
      this.sortedIndex.set(`all:${sort}`, sorted);
      for (const genre of file.genres) {
        this.sortedIndex.set(
          `${genre.id}:${sort}`,
          sorted.filter((movie) => movie.genre_ids.includes(genre.id)),
        );
      }
    }
    this.genresWithCounts = file.genres.map((genre) => ({
      ...genre,
      count: this.sorted(genre.id, 'popularity').length,
    }));
  }

  hasGenre(id: number): boolean {
    return this.genreById.has(id);
  }

  genre(id: number): Genre | undefined {
    return this.genreById.get(id);
  }

  movie(id: number): Movie | undefined {
    return this.movieById.get(id);
  }

  sorted(genre: number | undefined, sort: SortKey): readonly Movie[] {
    return this.sortedIndex.get(`${genre ?? 'all'}:${sort}`) ?? [];
  }

  list(query: ListQuery): MoviePage {
    let matches = this.sorted(query.genre, query.sort);
    if (query.q) {
      const needle = searchKey(query.q);
      const texts = query.qInOverview ? this.searchTextWithOverview : this.searchText;
      matches = matches.filter((movie) => texts.get(movie.id)?.includes(needle));
    }
    const start = (query.page - 1) * query.perPage;
    return {
      page: query.page,
      results: matches.slice(start, start + query.perPage),
      total_pages: Math.ceil(matches.length / query.perPage),
      total_results: matches.length,
    };
  }

  /** The home page's genres: every genre with films, those with most films first. */
  homeGenres(): Genre[] {
    return this.genresWithCounts
      .filter((genre) => genre.count > 0)
      .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name))
      .map(({ id, name }) => ({ id, name }));
  }

  home(perGenre: number, featuredCount = 5): HomeFeed {
    const key = `${perGenre}:${featuredCount}`;
    const cached = this.homeFeeds.get(key);
    if (cached) return cached;
    const candidates = this.homeGenres().map((genre) => ({
      genre,
      total_results: this.sorted(genre.id, 'rating').length,
      results: [...this.sorted(genre.id, 'rating')],
    }));
    const featured = this.sorted(undefined, 'popularity').slice(0, featuredCount);
    const feed = { featured, sections: distinctSections(featured, candidates, perGenre) };
    this.homeFeeds.set(key, feed);
    return feed;
  }
}

/**
 * The home page shows a film once: a featured film is in no row, and every other film in one row at most. Rows pick
 * in order of scarcity (the genre with fewest films first), each taking its best films still free, so a small genre
 * is not emptied by a big one; rows keep their given order and a row left empty is dropped.
 */
export function distinctSections(
  featured: readonly Movie[],
  candidates: readonly HomeSection[],
  perGenre: number,
): HomeSection[] {
  const taken = new Set(featured.map((movie) => movie.id));
  const picked = new Map<number, Movie[]>();
  const byScarcity = [...candidates].sort(
    (a, b) => a.total_results - b.total_results || a.genre.id - b.genre.id,
  );
  for (const section of byScarcity) {
    const results = section.results.filter((movie) => !taken.has(movie.id)).slice(0, perGenre);
    for (const movie of results) taken.add(movie.id);
    picked.set(section.genre.id, results);
  }
  return candidates
    .map((section) => ({ ...section, results: picked.get(section.genre.id) ?? [] }))
    .filter((section) => section.results.length > 0);
}
