import {
  CATALOGUE_NAMES,
  type CatalogueName,
  catalogueNameSchema,
  type Genre,
  genreSchema,
  type Movie,
  movieSchema,
} from '@movies/contracts/api';
import { z } from 'zod';

// The movie and genre shapes are the API's (one schema each, in @movies/contracts); a catalogue file is those plus
// the rules that tie them together.
export { CATALOGUE_NAMES, type CatalogueName, type Genre, genreSchema, type Movie, movieSchema };

export const catalogueFileSchema = z
  .object({
    catalogue: catalogueNameSchema,
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
