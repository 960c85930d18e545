import { z } from 'zod';
import { SORT_KEYS } from '../catalogue/catalogue.js';
import { AppError } from '../errors.js';

export const MAX_PAGE = 500;
export const MAX_PER_PAGE = 100;
export const MAX_QUERY_LENGTH = 200;
export const MAX_PER_GENRE = 20;

/** Query values arrive as strings; repeating a parameter (?page=1&page=2) yields an array, which we refuse. */
export const single = (name: string) =>
  z.string({ error: (issue) => (issue.input === undefined ? undefined : `${name} must be given once`) });

export const boundedInteger = (name: string, min: number, max: number) =>
  single(name)
    .regex(/^\d{1,9}$/, `${name} must be an integer from ${min} to ${max}`)
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, `${name} must be an integer from ${min} to ${max}`)
        .max(max, `${name} must be an integer from ${min} to ${max}`),
    );

export const listQuerySchema = z.object({
  page: boundedInteger('page', 1, MAX_PAGE).default(1),
  per_page: boundedInteger('per_page', 1, MAX_PER_PAGE).default(20),
  genre: single('genre')
    .regex(/^\d{1,9}$/, 'genre must be a genre id from GET /genres')
    .transform(Number)
    .optional(),
  q: single('q')
    .max(MAX_QUERY_LENGTH, `q must be at most ${MAX_QUERY_LENGTH} characters`)
    .transform((value) => value.trim() || undefined)
    .optional(),
  sort: single('sort')
    .pipe(z.enum(SORT_KEYS, { error: `sort must be one of ${SORT_KEYS.join(', ')}` }))
    .default('popularity'),
});

export const homeQuerySchema = z.object({
  per_genre: boundedInteger('per_genre', 1, MAX_PER_GENRE).default(6),
});

/** A TMDB id in a path: digits only, no sign, no leading zero. */
export const positiveIdSchema = (name: string, what: string) =>
  single(name)
    .regex(/^[1-9]\d{0,9}$/, `${name} must be a positive integer ${what}`)
    .transform(Number)
    .pipe(z.number().max(Number.MAX_SAFE_INTEGER));

export const movieIdSchema = positiveIdSchema('id', 'movie id');

/** Parses a request part; a failure becomes a 400 whose message names the offending parameter. */
export function parseOrBadRequest<S extends z.ZodType>(
  schema: S,
  input: unknown,
  part: 'query' | 'path' = 'query',
): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  // Stryker disable next-line OptionalChaining: a failed parse always has at least one issue
  const name = issue?.path[0] !== undefined ? String(issue.path[0]) : 'query';
  // Stryker disable next-line OptionalChaining,StringLiteral: a failed parse always has an issue, and zod gives every issue a message
  const message = issue?.message ?? 'invalid value';
  const detail = message.startsWith(`${name} `) ? message.slice(name.length + 1) : message;
  throw new AppError('BAD_REQUEST', `Invalid ${part} parameter ${name}: ${detail}`);
}
