/**
 * The backend API's answers (apps/backend → apps/frontend, the traffic CLI, curl): TMDB's movie shape and
 * pagination envelope, as both the bundled catalogues and TMDB mode serve them. The backend validates its
 * catalogue files with these schemas and its tests parse every answer with them; the UI takes its types from them.
 *
 * zod/mini, so the UI can parse with them at a few kB; the backend embeds them in its full-zod file schema.
 */
import * as z from 'zod/mini';

export const CATALOGUE_NAMES = ['bollywood', 'hollywood'] as const;
export const catalogueNameSchema = z.enum(CATALOGUE_NAMES);
export type CatalogueName = z.infer<typeof catalogueNameSchema>;

/** Where an answer's data came from: the bundled catalogue, or TMDB (with the bundled one as fallback). */
export const dataSourceSchema = z.enum(['bundled', 'tmdb']);
export type DataSource = z.infer<typeof dataSourceSchema>;

const positiveId = z.int().check(z.positive());
const count = z.int().check(z.minimum(0));

export const genreSchema = z.strictObject({
  id: positiveId,
  name: z.string().check(z.minLength(1), z.maxLength(100)),
});
export type Genre = z.infer<typeof genreSchema>;

const imagePath = z.nullable(
  z.string().check(z.regex(/^\/[A-Za-z0-9._-]+$/, 'must be a TMDB image path like /abc.jpg')),
);
const title = z.string().check(z.minLength(1), z.maxLength(300));

/** TMDB's movie shape. */
export const movieSchema = z.object({
  id: positiveId,
  title,
  original_title: title,
  original_language: z.string().check(z.regex(/^[a-z]{2}$/, 'must be an ISO 639-1 code')),
  /** Our own one- or two-sentence premise, or null: never TMDB's text, never a guess. */
  overview: z.nullable(z.string().check(z.minLength(1), z.maxLength(2000))),
  release_date: z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')),
  genre_ids: z.array(positiveId).check(z.minLength(1)),
  vote_average: z.number().check(z.minimum(0), z.maximum(10)),
  vote_count: count,
  popularity: z.number().check(z.minimum(0)),
  poster_path: imagePath,
  backdrop_path: imagePath,
});
export type Movie = z.infer<typeof movieSchema>;

/** GET /api/: which backend this is and what it serves. */
export const backendIdentitySchema = z.strictObject({
  service: z.literal('movie-backend'),
  version: z.string().check(z.minLength(1)),
  catalogue: catalogueNameSchema,
  source: dataSourceSchema,
  message: z.string(),
});
export type BackendIdentity = z.infer<typeof backendIdentitySchema>;

export const genreWithCountSchema = z.strictObject({ ...genreSchema.shape, count });
export type GenreWithCount = z.infer<typeof genreWithCountSchema>;

/** GET /api/genres: the catalogue's genres with how many films each has. */
export const genresAnswerSchema = z.strictObject({ genres: z.array(genreWithCountSchema) });
export type GenresAnswer = z.infer<typeof genresAnswerSchema>;

/** TMDB's pagination envelope, without the data source. */
export const moviePageSchema = z.strictObject({
  page: z.int().check(z.positive()),
  results: z.array(movieSchema),
  total_pages: count,
  total_results: count,
});
export type MoviePage = z.infer<typeof moviePageSchema>;

/** GET /api/movies: one page of a listing. */
export const moviePageAnswerSchema = z.strictObject({ ...moviePageSchema.shape, source: dataSourceSchema });
export type MoviePageAnswer = z.infer<typeof moviePageAnswerSchema>;

/** GET /api/movies/:id: one movie. */
export const movieAnswerSchema = z.object({ ...movieSchema.shape, source: dataSourceSchema });
export type MovieAnswer = z.infer<typeof movieAnswerSchema>;

/** One row of the home feed: the top movies of a genre. */
export const homeSectionSchema = z.strictObject({
  genre: genreSchema,
  total_results: count,
  results: z.array(movieSchema),
});
export type HomeSection = z.infer<typeof homeSectionSchema>;

export const homeFeedSchema = z.strictObject({
  featured: z.array(movieSchema),
  sections: z.array(homeSectionSchema),
});
export type HomeFeed = z.infer<typeof homeFeedSchema>;

/** GET /api/home: the featured films and one row per genre. */
export const homeAnswerSchema = z.strictObject({
  catalogue: catalogueNameSchema,
  ...homeFeedSchema.shape,
  source: dataSourceSchema,
});
export type HomeAnswer = z.infer<typeof homeAnswerSchema>;

/** Every error answer, from the backend and from the gateway's /__mesh alike. */
export const errorAnswerSchema = z.strictObject({
  error: z.strictObject({
    code: z.string().check(z.minLength(1)),
    message: z.string().check(z.minLength(1)),
  }),
});
export type ErrorAnswer = z.infer<typeof errorAnswerSchema>;
