import {
  type Catalogue,
  distinctSections,
  type HomeFeed,
  type ListQuery,
  type MoviePage,
  type SortKey,
} from '../catalogue/catalogue.js';
import type { CatalogueName, Movie } from '../catalogue/schema.js';
import type { BundledMovieSource, DataSource, MovieSource, Sourced } from '../movies/movie-source.js';
import type { Logger } from '../observability/logger.js';
import type { PropagatedHeaders } from '../observability/trace-headers.js';
import { type QueryParams, type TmdbClient, TmdbError } from './tmdb-client.js';
import { tmdbDetailSchema, tmdbListSchema, toMovie } from './tmdb-schemas.js';

/** TMDB always pages by 20 and refuses pages past 500. */
export const TMDB_PAGE_SIZE = 20;
export const TMDB_MAX_PAGE = 500;

/** v1 lists Hindi-language films, v2 English-language films made in the US. */
export const CATALOGUE_FILTERS: Record<CatalogueName, QueryParams> = {
  bollywood: { with_original_language: 'hi' },
  hollywood: { with_original_language: 'en', with_origin_country: 'US' },
};

export function discoverSort(sort: SortKey, today: string): QueryParams {
  switch (sort) {
    case 'popularity':
      return { sort_by: 'popularity.desc' };
    case 'rating':
      // Without a floor on votes, "top rated" is a list of films rated 10 by one person.
      return { sort_by: 'vote_average.desc', 'vote_count.gte': 50 };
    case 'newest':
      return { sort_by: 'primary_release_date.desc', 'primary_release_date.lte': today };
    case 'oldest':
      return { sort_by: 'primary_release_date.asc' };
    case 'title':
      return { sort_by: 'title.asc' };
  }
}

/**
 * Live listings and details from TMDB. Any TMDB failure (timeout, 401, 429, 5xx, malformed body) answers from the
 * bundled catalogue instead, marked source "bundled", and logs one warning per streak of failures.
 */
export class TmdbMovieSource implements MovieSource {
  private failing = false;

  constructor(
    private readonly client: TmdbClient,
    private readonly catalogue: Catalogue,
    private readonly bundled: BundledMovieSource,
    private readonly logger: Logger,
    private readonly today: () => string = () => new Date().toISOString().slice(0, 10),
  ) {}

  get currentSource(): DataSource {
    return this.failing ? 'bundled' : 'tmdb';
  }

  async list(query: ListQuery, trace: PropagatedHeaders): Promise<Sourced<MoviePage>> {
    return this.withFallback(
      async () => ({ ...(await this.fetchList(query, trace)), source: 'tmdb' as const }),
      () => this.bundled.list(query),
    );
  }

  async movie(id: number, trace: PropagatedHeaders): Promise<Sourced<{ movie: Movie }> | undefined> {
    return this.withFallback(
      async () => {
        try {
          const detail = await this.client.get(
            `/movie/${id}`,
            { language: 'en-US' },
            tmdbDetailSchema,
            trace,
          );
          return { movie: toMovie(detail), source: 'tmdb' as const };
        } catch (error) {
          // TMDB answering "no such movie" is an answer, not an outage: the bundled copy may still know it.
          if (error instanceof TmdbError && error.kind === 'not_found') return this.bundled.movie(id);
          throw error;
        }
      },
      () => this.bundled.movie(id),
    );
  }

  async home(perGenre: number, trace: PropagatedHeaders): Promise<Sourced<HomeFeed>> {
    return this.withFallback(
      async () => {
        const genres = this.catalogue.homeGenres();
        // Films shared between genres appear in one row only, so fetch some spare ones (still one TMDB page).
        const perPage = Math.max(perGenre, Math.min(TMDB_PAGE_SIZE, perGenre * 2));
        const [featured, ...pages] = await Promise.all([
          this.fetchList({ page: 1, perPage: 5, sort: 'popularity' }, trace),
          ...genres.map((genre) =>
            this.fetchList({ page: 1, perPage, sort: 'rating', genre: genre.id }, trace),
          ),
        ]);
        const candidates = genres.map((genre, index) => {
          const page = pages[index] as MoviePage;
          return { genre, total_results: page.total_results, results: page.results };
        });
        const featuredMovies = featured?.results ?? [];
        const sections = distinctSections(featuredMovies, candidates, perGenre);
        return { featured: featuredMovies, sections, source: 'tmdb' as const };
      },
      () => this.bundled.home(perGenre),
    );
  }

  private async withFallback<T>(live: () => Promise<T>, fallback: () => Promise<T>): Promise<T> {
    try {
      const answer = await live();
      if (this.failing) {
        this.failing = false;
        this.logger.info('TMDB reachable again; serving live data');
      }
      return answer;
    } catch (error) {
      if (!(error instanceof TmdbError)) throw error;
      if (!this.failing) {
        this.failing = true;
        this.logger.warn(
          { tmdbFailure: error.kind, tmdbStatus: error.status },
          'TMDB unavailable; serving the bundled catalogue until it recovers',
        );
      }
      return fallback();
    }
  }

  /** Maps our page/per_page onto TMDB's fixed 20-item pages, fetching (and caching) each page it spans. */
  private async fetchList(query: ListQuery, trace: PropagatedHeaders): Promise<MoviePage> {
    const start = (query.page - 1) * query.perPage;
    const end = start + query.perPage;
    const firstTmdbPage = Math.floor(start / TMDB_PAGE_SIZE) + 1;
    const lastTmdbPage = Math.min(Math.floor((end - 1) / TMDB_PAGE_SIZE) + 1, TMDB_MAX_PAGE);
    const tmdbPages: number[] = [];
    for (let page = firstTmdbPage; page <= lastTmdbPage; page++) tmdbPages.push(page);
    if (tmdbPages.length === 0) tmdbPages.push(1); // past TMDB's last page: fetch page 1 only for the totals

    const params = (page: number): [string, QueryParams] =>
      query.q
        ? ['/search/movie', { query: query.q, page, include_adult: false, language: 'en-US' }]
        : [
            '/discover/movie',
            {
              page,
              include_adult: false,
              language: 'en-US',
              with_genres: query.genre,
              ...CATALOGUE_FILTERS[this.catalogue.name],
              ...discoverSort(query.sort, this.today()),
            },
          ];
    const answers = await Promise.all(
      tmdbPages.map((page) => this.client.get(...params(page), tmdbListSchema, trace)),
    );
    let items = answers.flatMap((answer) => answer.results.map(toMovie));
    // TMDB's search has no genre filter; narrow the fetched items (totals stay TMDB's).
    if (query.q && query.genre !== undefined) {
      const genre = query.genre;
      items = items.filter((movie) => movie.genre_ids.includes(genre));
    }
    const offset = start - (firstTmdbPage - 1) * TMDB_PAGE_SIZE;
    const beyondTmdb = firstTmdbPage > TMDB_MAX_PAGE;
    const totalResults = Math.min(answers[0]?.total_results ?? 0, TMDB_PAGE_SIZE * TMDB_MAX_PAGE);
    return {
      page: query.page,
      results: beyondTmdb ? [] : items.slice(offset, offset + query.perPage),
      total_pages: Math.ceil(totalResults / query.perPage),
      total_results: totalResults,
    };
  }
}
