// The backend API's shapes are the backend's own: one zod schema each in @movies/contracts, which the backend
// validates its catalogues with and its tests parse every answer with. The UI takes their types from there.
export type {
  BackendIdentity,
  Genre,
  GenresAnswer,
  GenreWithCount,
  HomeAnswer,
  HomeFeed,
  HomeSection,
  Movie,
  MovieAnswer,
  MoviePage,
  MoviePageAnswer,
} from '@movies/contracts/api';

/** Which backend answered a request, read from its identity headers (x-backend-version, x-catalogue). */
export type ServedBy = { version: string | null; catalogue: string | null };

export type ApiResult<T> = { data: T; servedBy: ServedBy };
