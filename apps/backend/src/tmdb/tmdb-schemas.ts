import { z } from 'zod';
import type { Movie } from '../catalogue/schema.js';

/** TMDB omits or nulls fields on obscure titles; accept that and normalise to our movie shape. */
const tmdbMovieBase = z.object({
  id: z.number().int().positive(),
  title: z.string().catch(''),
  original_title: z.string().catch(''),
  original_language: z.string().catch(''),
  overview: z.string().nullable().catch(''),
  release_date: z.string().nullable().catch(''),
  vote_average: z.number().catch(0),
  vote_count: z.number().catch(0),
  popularity: z.number().catch(0),
  poster_path: z.string().nullable().catch(null),
  backdrop_path: z.string().nullable().catch(null),
});

export const tmdbListItemSchema = tmdbMovieBase.extend({ genre_ids: z.array(z.number()).catch([]) });

export const tmdbListSchema = z.object({
  page: z.number().int(),
  results: z.array(tmdbListItemSchema),
  total_pages: z.number().int().min(0),
  total_results: z.number().int().min(0),
});

export const tmdbDetailSchema = tmdbMovieBase.extend({
  genres: z.array(z.object({ id: z.number(), name: z.string() })).catch([]),
});

export const tmdbGenreListSchema = z.object({
  genres: z.array(z.object({ id: z.number().int().positive(), name: z.string().min(1) })),
});

export type TmdbListItem = z.infer<typeof tmdbListItemSchema>;
export type TmdbDetail = z.infer<typeof tmdbDetailSchema>;

export function toMovie(item: TmdbListItem | TmdbDetail): Movie {
  const genreIds = 'genres' in item ? item.genres.map((genre) => genre.id) : item.genre_ids;
  return {
    id: item.id,
    title: item.title || item.original_title,
    original_title: item.original_title || item.title,
    original_language: item.original_language,
    overview: item.overview || null,
    release_date: item.release_date ?? '',
    genre_ids: genreIds,
    vote_average: item.vote_average,
    vote_count: item.vote_count,
    popularity: item.popularity,
    poster_path: item.poster_path,
    backdrop_path: item.backdrop_path,
  };
}
