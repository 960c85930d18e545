// Shapes of the backend API (apps/backend). Only the fields the UI reads are required.

export type Movie = {
  id: number;
  title: string;
  original_title?: string;
  original_language?: string;
  /** Our own short premise, or null when we do not know the story well enough to tell it. */
  overview: string | null;
  release_date: string;
  genre_ids: number[];
  vote_average: number;
  vote_count?: number;
  popularity?: number;
  poster_path: string | null;
  backdrop_path?: string | null;
  /** Some endpoints resolve genre names for convenience. */
  genres?: Genre[];
};

export type Genre = { id: number; name: string; count?: number };

export type Paged<T> = { page: number; results: T[]; total_pages: number; total_results: number };

export type BackendIdentity = {
  service: string;
  version: string;
  catalogue: string;
  source: 'bundled' | 'tmdb';
  message: string;
};

/** One row of the home feed: the top movies of a genre. */
export type HomeSection = { genre: Genre; total_results: number; results: Movie[] };

export type HomeFeed = { featured: Movie[]; sections: HomeSection[] };

/** Which backend answered a request, read from its x-backend-version / x-catalogue headers. */
export type ServedBy = { version: string | null; catalogue: string | null };

export type ApiResult<T> = { data: T; servedBy: ServedBy };
