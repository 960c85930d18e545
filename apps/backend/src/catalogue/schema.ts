import { z } from 'zod';

export const CATALOGUE_NAMES = ['bollywood', 'hollywood'] as const;
export type CatalogueName = (typeof CATALOGUE_NAMES)[number];

export const genreSchema = z.strictObject({
  id: z.number().int().positive(),
  name: z.string().min(1).max(100),
});

const imagePath = z
  .string()
  .regex(/^\/[A-Za-z0-9._-]+$/, 'must be a TMDB image path like /abc.jpg')
  .nullable();

/** TMDB's movie shape, as bundled catalogues and TMDB mode both serve it. */
export const movieSchema = z.object({
  id: z.number().int().positive(),
  title: z.string().min(1).max(300),
  original_title: z.string().min(1).max(300),
  original_language: z.string().regex(/^[a-z]{2}$/, 'must be an ISO 639-1 code'),
  /** Our own one- or two-sentence premise, or null: never TMDB's text, never a guess. */
  overview: z.string().min(1).max(2000).nullable(),
  release_date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD'),
  genre_ids: z.array(z.number().int().positive()).min(1),
  vote_average: z.number().min(0).max(10),
  vote_count: z.number().int().min(0),
  popularity: z.number().min(0),
  poster_path: imagePath,
  backdrop_path: imagePath,
});

export type Movie = z.infer<typeof movieSchema>;
export type Genre = z.infer<typeof genreSchema>;

export const catalogueFileSchema = z
  .object({
    catalogue: z.enum(CATALOGUE_NAMES),
    genres: z.array(genreSchema).min(1),
    movies: z.array(movieSchema).min(1),
  })
  .superRefine((file, ctx) => {
    const genreIds = new Set<number>();
    file.genres.forEach((genre, index) => {
      if (genreIds.has(genre.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['genres', index, 'id'],
          message: `duplicate genre id ${genre.id}`,
        });
      }
      genreIds.add(genre.id);
    });
    const movieIds = new Set<number>();
    file.movies.forEach((movie, index) => {
      if (movieIds.has(movie.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['movies', index, 'id'],
          message: `duplicate movie id ${movie.id}`,
        });
      }
      movieIds.add(movie.id);
      for (const genreId of movie.genre_ids) {
        if (!genreIds.has(genreId)) {
          ctx.addIssue({
            code: 'custom',
            path: ['movies', index, 'genre_ids'],
            message: `unknown genre id ${genreId} (not in "genres")`,
          });
        }
      }
    });
  });

export type CatalogueFile = z.infer<typeof catalogueFileSchema>;
