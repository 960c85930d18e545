import type { DataSource } from '@movies/contracts/api';
import { LRUCache } from 'lru-cache';
import type { Catalogue, HomeFeed, ListQuery, MoviePage } from '../catalogue/catalogue.js';
import type { Movie } from '../catalogue/schema.js';
import type { PropagatedHeaders } from '../observability/trace-headers.js';

export type { DataSource };

export type Sourced<T> = T & { source: DataSource };

/** Where listings and details come from: the bundled catalogue, or TMDB with the bundled one as fallback. */
export interface MovieSource {
  /** What a request would be answered from right now (shown by GET /). */
  readonly currentSource: DataSource;
  list(query: ListQuery, trace: PropagatedHeaders): Promise<Sourced<MoviePage>>;
  movie(id: number, trace: PropagatedHeaders): Promise<Sourced<{ movie: Movie }> | undefined>;
  home(perGenre: number, trace: PropagatedHeaders): Promise<Sourced<HomeFeed>>;
  /** A ready-serialised listing, when the source can answer without I/O (the bundled catalogue). */
  listJson?(query: ListQuery): Buffer;
}

export class BundledMovieSource implements MovieSource {
  readonly currentSource = 'bundled';
  /** The catalogue never changes at run time, so a listing's JSON can be reused until evicted. */
  private readonly listBodies = new LRUCache<string, Buffer>({ max: 2000 });
  constructor(private readonly catalogue: Catalogue) {}

  listJson(query: ListQuery): Buffer {
    const key = `${query.genre ?? ''}|${query.sort}|${query.page}|${query.perPage}|${query.qInOverview ?? false}|${query.q ?? ''}`;
    let body = this.listBodies.get(key);
    if (body === undefined) {
      body = Buffer.from(JSON.stringify({ ...this.catalogue.list(query), source: 'bundled' }));
      this.listBodies.set(key, body);
    }
    return body;
  }

  async list(query: ListQuery): Promise<Sourced<MoviePage>> {
    return { ...this.catalogue.list(query), source: 'bundled' };
  }

  async movie(id: number): Promise<Sourced<{ movie: Movie }> | undefined> {
    const movie = this.catalogue.movie(id);
    return movie ? { movie, source: 'bundled' } : undefined;
  }

  async home(perGenre: number): Promise<Sourced<HomeFeed>> {
    return { ...this.catalogue.home(perGenre), source: 'bundled' };
  }
}
