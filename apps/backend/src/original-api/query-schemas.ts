import { z } from 'zod';
import {
  boundedInteger,
  listQuerySchema,
  MAX_PER_GENRE,
  MAX_QUERY_LENGTH,
  positiveIdSchema,
} from '../movies/query-schemas.js';

/** The original API's page and per_page: the same bounds and defaults as GET /movies (1–500, 1–100; 1 and 20). */
const pageParams = listQuerySchema.pick({ page: true, per_page: true });

export const genrePageQuerySchema = pageParams;

export const searchQuerySchema = pageParams.extend({
  query: z
    .string({
      error: (issue) =>
        issue.input === undefined ? 'missing: give the text to search for' : 'query must be given once',
    })
    .max(MAX_QUERY_LENGTH, `query must be at most ${MAX_QUERY_LENGTH} characters`)
    // Blank matches every film, as in the original (and as a blank q does on GET /movies).
    .transform((value) => value.trim() || undefined),
});

/** Films per genre on the original home page: default 5, as the original; at most 20, as GET /home's per_genre. */
export const allGenresQuerySchema = z.object({
  limit_per_genre: boundedInteger('limit_per_genre', 1, MAX_PER_GENRE).default(5),
});

export const genreParamsSchema = z.object({ genre_id: positiveIdSchema('genre_id', 'genre id') });

export const movieParamsSchema = z.object({ movie_id: positiveIdSchema('movie_id', 'movie id') });
