import type { CatalogueFile, CatalogueName, Genre, Movie } from './schema.js';

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
}

/** TMDB's pagination envelope. */
export interface MoviePage {
  page: number;
  results: Movie[];
  total_pages: number;
  total_results: number;
}

export interface GenreWithCount extends Genre {
  count: number;
}

export interface HomeSection {
  genre: Genre;
  total_results: number;
  results: Movie[];
}

export interface HomeFeed {
  featured: Movie[];
  sections: HomeSection[];
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
  /** Key: `${genreId | 'all'}:${sort}`. */
  private readonly sortedIndex = new Map<string, readonly Movie[]>();

  constructor(file: CatalogueFile) {
    this.name = file.catalogue;
    this.genres = file.genres;
    this.size = file.movies.length;
    for (const genre of file.genres) this.genreById.set(genre.id, genre);
    for (const movie of file.movies) {
      this.movieById.set(movie.id, movie);
      this.searchText.set(movie.id, searchKey(`${movie.title}\n${movie.original_title}`));
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
      matches = matches.filter((movie) => this.searchText.get(movie.id)?.includes(needle));
    }
    const start = (query.page - 1) * query.perPage;
    return {
      page: query.page,
      results: matches.slice(start, start + query.perPage),
      total_pages: Math.ceil(matches.length / query.perPage),
      total_results: matches.length,
    };
  }

  home(perGenre: number, featuredCount = 5): HomeFeed {
    const sections = this.genresWithCounts
      .filter((genre) => genre.count > 0)
      .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name))
      .map(({ id, name, count }) => ({
        genre: { id, name },
        total_results: count,
        results: this.sorted(id, 'rating').slice(0, perGenre),
      }));
    return { featured: this.sorted(undefined, 'popularity').slice(0, featuredCount), sections };
  }
}
