/**
 * The original movie-verse API, which the seed's own UI (image sayedimran/istio-sample-app-frontend) calls: the
 * backend answers it beside ours as a compatibility surface (apps/backend/src/original-api). Its movies are our
 * movie shape — TMDB's fields that the catalogue holds — and its page envelope is ours without the data source.
 *
 * | path (under /api/ behind the mesh)                      | answer                               |
 * | ------------------------------------------------------- | ------------------------------------ |
 * | GET /genres                                             | originalGenresAnswerSchema (shared)  |
 * | GET /movies/genre/{genre_id}?page=&per_page=            | originalMoviePageSchema              |
 * | GET /movies/all-genres?limit_per_genre=                 | originalAllGenresAnswerSchema        |
 * | GET /movies/search?query=&page=&per_page=               | originalMoviePageSchema              |
 * | GET /movie/{movie_id}                                   | originalMovieDetailSchema            |
 * | any error on the last four                              | originalErrorSchema                  |
 */
import * as z from 'zod/mini';
import { genreSchema, moviePageSchema, movieSchema } from './api.js';

/**
 * GET /genres is one path for both APIs: ours answers `{ id, name, count }` per genre, a superset of the original's
 * `{ id, name }`, so the original's reader is not strict about extra fields.
 */
export const originalGenresAnswerSchema = z.object({
  genres: z.array(z.object(genreSchema.shape)),
});
export type OriginalGenresAnswer = z.infer<typeof originalGenresAnswerSchema>;

/** GET /movies/genre/{genre_id} and GET /movies/search: `{ results, page, total_pages, total_results }`. */
export const originalMoviePageSchema = moviePageSchema;
export type OriginalMoviePage = z.infer<typeof originalMoviePageSchema>;

/** One home-page row of the original UI: a genre and its best-known films. */
export const originalGenreWithMoviesSchema = z.strictObject({
  ...genreSchema.shape,
  movies: z.array(movieSchema),
});
export type OriginalGenreWithMovies = z.infer<typeof originalGenreWithMoviesSchema>;

/** GET /movies/all-genres: one entry per genre that has films, in the genre list's order. */
export const originalAllGenresAnswerSchema = z.strictObject({
  genres: z.array(originalGenreWithMoviesSchema),
});
export type OriginalAllGenresAnswer = z.infer<typeof originalAllGenresAnswerSchema>;

/**
 * GET /movie/{movie_id}: the movie, plus TMDB's detail field `genres` (the names of its `genre_ids` that the
 * catalogue's genre list knows). Cast, crew, runtime and videos are not held, so they are not sent.
 */
export const originalMovieDetailSchema = z.object({
  ...movieSchema.shape,
  genres: z.array(genreSchema),
});
export type OriginalMovieDetail = z.infer<typeof originalMovieDetailSchema>;

/** Every error of the original API's own paths, as FastAPI shapes them; the original UI shows `detail`. */
export const originalErrorSchema = z.strictObject({
  detail: z.string().check(z.minLength(1)),
});
export type OriginalError = z.infer<typeof originalErrorSchema>;
