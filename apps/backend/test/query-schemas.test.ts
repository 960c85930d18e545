/** The API's query and path parameters: bounds, defaults and the exact 400 message naming the bad parameter. */
import { describe, expect, it } from 'vitest';
import { AppError } from '../src/errors.js';
import {
  homeQuerySchema,
  listQuerySchema,
  MAX_PAGE,
  MAX_PER_GENRE,
  MAX_PER_PAGE,
  MAX_QUERY_LENGTH,
  movieIdSchema,
  parseOrBadRequest,
} from '../src/movies/query-schemas.js';
import {
  allGenresQuerySchema,
  genreParamsSchema,
  movieParamsSchema,
  searchQuerySchema,
} from '../src/original-api/query-schemas.js';

/** The message of the 400 a request part earns, or the parsed value. */
function refusal(
  schema: Parameters<typeof parseOrBadRequest>[0],
  input: unknown,
  part?: 'query' | 'path',
): string {
  try {
    parseOrBadRequest(schema, input, part);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('BAD_REQUEST');
    return (error as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(input)}`);
}

const list = (query: Record<string, unknown>) => parseOrBadRequest(listQuerySchema, query);

describe('GET /movies query', () => {
  it('has the documented bounds', () => {
    expect([MAX_PAGE, MAX_PER_PAGE, MAX_QUERY_LENGTH, MAX_PER_GENRE]).toEqual([500, 100, 200, 20]);
  });

  it('defaults to page 1 of 20 by popularity', () => {
    expect(list({})).toEqual({ page: 1, per_page: 20, sort: 'popularity' });
  });

  it('accepts both ends of each range', () => {
    expect(list({ page: '1', per_page: '1' })).toMatchObject({ page: 1, per_page: 1 });
    expect(list({ page: '500', per_page: '100' })).toMatchObject({ page: 500, per_page: 100 });
    expect(list({ page: '000000007' })).toMatchObject({ page: 7 });
  });

  it('refuses a page or per_page out of range or not an integer, naming it exactly', () => {
    const page = 'Invalid query parameter page: must be an integer from 1 to 500';
    for (const value of ['0', '501', '-1', '1.5', 'abc', '', '1e3', '1234567890', ' 1', '1 ']) {
      expect(refusal(listQuerySchema, { page: value }), value).toBe(page);
    }
    expect(refusal(listQuerySchema, { per_page: '101' })).toBe(
      'Invalid query parameter per_page: must be an integer from 1 to 100',
    );
    expect(refusal(listQuerySchema, { per_page: '0' })).toBe(
      'Invalid query parameter per_page: must be an integer from 1 to 100',
    );
  });

  it('refuses a parameter given twice', () => {
    expect(refusal(listQuerySchema, { page: ['1', '2'] })).toBe(
      'Invalid query parameter page: must be given once',
    );
    expect(refusal(listQuerySchema, { q: ['a', 'b'] })).toBe('Invalid query parameter q: must be given once');
  });

  it('reads genre as a genre id and refuses anything else', () => {
    expect(list({ genre: '80' })).toMatchObject({ genre: 80 });
    for (const value of ['80abc', 'abc80', '-80', '', '1234567890']) {
      expect(refusal(listQuerySchema, { genre: value }), value).toBe(
        'Invalid query parameter genre: must be a genre id from GET /genres',
      );
    }
  });

  it('trims q, drops a blank one and refuses one over 200 characters', () => {
    expect(list({ q: '  sholay ' })).toMatchObject({ q: 'sholay' });
    expect(list({ q: '   ' }).q).toBeUndefined();
    expect(list({ q: 'x'.repeat(200) }).q).toHaveLength(200);
    expect(refusal(listQuerySchema, { q: 'x'.repeat(201) })).toBe(
      'Invalid query parameter q: must be at most 200 characters',
    );
  });

  it('accepts every sort key and refuses others, listing them', () => {
    for (const sort of ['popularity', 'rating', 'newest', 'oldest', 'title'])
      expect(list({ sort }).sort).toBe(sort);
    expect(refusal(listQuerySchema, { sort: 'year' })).toBe(
      'Invalid query parameter sort: must be one of popularity, rating, newest, oldest, title',
    );
  });

  it('names the first bad parameter only', () => {
    expect(refusal(listQuerySchema, { page: '0', per_page: '0' })).toBe(
      'Invalid query parameter page: must be an integer from 1 to 500',
    );
  });
});

describe('GET /home query', () => {
  it('defaults per_genre to 6 and bounds it by 1 and 20', () => {
    expect(parseOrBadRequest(homeQuerySchema, {})).toEqual({ per_genre: 6 });
    expect(parseOrBadRequest(homeQuerySchema, { per_genre: '20' })).toEqual({ per_genre: 20 });
    expect(refusal(homeQuerySchema, { per_genre: '21' })).toBe(
      'Invalid query parameter per_genre: must be an integer from 1 to 20',
    );
  });
});

describe('path ids', () => {
  it('accepts a positive id without sign or leading zero, up to the largest safe integer', () => {
    expect(parseOrBadRequest(movieIdSchema, '1', 'path')).toBe(1);
    expect(parseOrBadRequest(movieIdSchema, '9999999999', 'path')).toBe(9_999_999_999);
    expect(parseOrBadRequest(movieParamsSchema, { movie_id: '42' }, 'path')).toEqual({ movie_id: 42 });
    expect(parseOrBadRequest(genreParamsSchema, { genre_id: '18' }, 'path')).toEqual({ genre_id: 18 });
  });

  it('refuses anything else, naming the parameter and what it must be', () => {
    for (const value of ['0', '01', '-1', '+1', '1.0', '12345678901', 'x']) {
      expect(refusal(movieParamsSchema, { movie_id: value }, 'path'), value).toBe(
        'Invalid path parameter movie_id: must be a positive integer movie id',
      );
    }
    expect(refusal(movieParamsSchema, {}, 'path')).toBe(
      'Invalid path parameter movie_id: Invalid input: expected string, received undefined',
    );
    expect(refusal(genreParamsSchema, { genre_id: '0' }, 'path')).toBe(
      'Invalid path parameter genre_id: must be a positive integer genre id',
    );
  });

  it('names the whole query when the input is not an object, and keeps a message that does not start with the name', () => {
    expect(refusal(movieIdSchema, '0')).toBe(
      'Invalid query parameter query: id must be a positive integer movie id',
    );
    expect(refusal(listQuerySchema, null)).toMatch(/^Invalid query parameter query: /);
  });
});

describe('original API queries', () => {
  it('searches for a trimmed query, paged like GET /movies', () => {
    expect(parseOrBadRequest(searchQuerySchema, { query: ' deewar ' })).toEqual({
      query: 'deewar',
      page: 1,
      per_page: 20,
    });
    expect(parseOrBadRequest(searchQuerySchema, { query: ' ' }).query).toBeUndefined();
  });

  it('refuses a missing, repeated or long query with its own message', () => {
    expect(refusal(searchQuerySchema, {})).toBe(
      'Invalid query parameter query: missing: give the text to search for',
    );
    expect(refusal(searchQuerySchema, { query: ['a', 'b'] })).toBe(
      'Invalid query parameter query: must be given once',
    );
    expect(refusal(searchQuerySchema, { query: 'x'.repeat(201) })).toBe(
      'Invalid query parameter query: must be at most 200 characters',
    );
    expect(refusal(searchQuerySchema, { query: 'a', page: '501' })).toBe(
      'Invalid query parameter page: must be an integer from 1 to 500',
    );
  });

  it('defaults limit_per_genre to 5, at most 20', () => {
    expect(parseOrBadRequest(allGenresQuerySchema, {})).toEqual({ limit_per_genre: 5 });
    expect(refusal(allGenresQuerySchema, { limit_per_genre: '21' })).toBe(
      'Invalid query parameter limit_per_genre: must be an integer from 1 to 20',
    );
  });
});
