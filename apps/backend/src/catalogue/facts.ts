import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '@movies/contracts/errors';
import { z } from 'zod';
import { BUNDLED_DATA_ROOT } from './load.js';
import { type CatalogueName, genreSchema } from './schema.js';

/**
 * TMDB facts (ids, titles, dates, genres, image paths) for the films of both bundled catalogues, kept in the
 * repository beside the catalogues they build: `apps/backend/data/tmdb-facts/` (its README says where they come
 * from). TMDB_FACTS_DIR overrides the location.
 */
export const DEFAULT_FACTS_DIR = path.join(BUNDLED_DATA_ROOT, 'tmdb-facts');

export function factsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.TMDB_FACTS_DIR ? path.resolve(env.TMDB_FACTS_DIR) : DEFAULT_FACTS_DIR;
}

const factSchema = z.strictObject({
  id: z.number().int().positive(),
  title: z.string().min(1),
  original_title: z.string().min(1),
  original_language: z.string().regex(/^[a-z]{2}$/),
  // Empty for films TMDB lists before their release.
  release_date: z.string().regex(/^(\d{4}-\d{2}-\d{2})?$/),
  genre_ids: z.array(z.number().int().positive()),
  vote_average: z.number().min(0).max(10),
  vote_count: z.number().int().min(0),
  popularity: z.number().min(0),
  poster_path: z.string().nullable(),
  backdrop_path: z.string().nullable(),
});

const factsFileSchema = z.object({
  catalogue: z.string(),
  count: z.number().int(),
  films: z.array(factSchema),
});

export type FilmFact = z.infer<typeof factSchema>;

export interface TmdbFacts {
  dir: string;
  films: FilmFact[];
  genres: z.infer<typeof genreSchema>[];
}

export class FactsError extends AppError {
  override name = 'FactsError';
  constructor(message: string) {
    super('DATA_INVALID', message);
  }
}

function readJson(file: string): unknown {
  if (!existsSync(file)) {
    throw new FactsError(
      `TMDB facts file ${file} not found: the facts live in apps/backend/data/tmdb-facts; ` +
        'set TMDB_FACTS_DIR to read them elsewhere',
    );
  }
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new FactsError(`TMDB facts file ${file} is not valid JSON: ${(error as Error).message}`);
  }
}

function parse<T>(schema: z.ZodType<T>, value: unknown, file: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FactsError(
      `TMDB facts file ${file} has an unexpected shape at ${issue?.path.join('.')}: ${issue?.message}`,
    );
  }
  return parsed.data;
}

/** Reads and checks `<dir>/<catalogue>.json` and `<dir>/genres.json`; throws a FactsError naming the file. */
export function loadFacts(catalogue: CatalogueName, dir = factsDir()): TmdbFacts {
  const filmsFile = path.join(dir, `${catalogue}.json`);
  const genresFile = path.join(dir, 'genres.json');
  const { films, count } = parse(factsFileSchema, readJson(filmsFile), filmsFile);
  if (films.length !== count)
    throw new FactsError(`${filmsFile} says ${count} films but lists ${films.length}`);
  const { genres } = parse(z.object({ genres: z.array(genreSchema) }), readJson(genresFile), genresFile);
  return { dir, films, genres };
}
