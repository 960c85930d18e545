/**
 * Every answer keeps the contract the UI and the CLIs read (@movies/contracts): each endpoint's body parses with
 * its schema and parsing drops nothing, for both bundled catalogues and for TMDB mode (healthy, and down with the
 * bundled fallback); every error answer has the contract's error shape; every answer names its version and catalogue.
 */
import {
  backendIdentitySchema,
  CATALOGUE_HEADER,
  errorAnswerSchema,
  genresAnswerSchema,
  homeAnswerSchema,
  movieAnswerSchema,
  moviePageAnswerSchema,
  VERSION_HEADER,
} from '@movies/contracts';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Catalogue } from '../src/catalogue/catalogue.js';
import { loadCatalogue } from '../src/catalogue/load.js';
import { type FakeTmdb, startFakeTmdb } from './fake-tmdb-server.js';
import { testApp, tmdbAppOn } from './helpers.js';

type Schema = {
  safeParse(value: unknown): { success: boolean; data?: unknown; error?: { message: string } };
};

let fake: FakeTmdb;
beforeAll(async () => {
  fake = await startFakeTmdb();
});
afterAll(async () => {
  await fake.close();
});

async function expectAnswer(
  app: Parameters<typeof request>[0],
  path: string,
  schema: Schema,
  version: string,
) {
  const res = await request(app).get(path);
  expect(res.status, `${path}: ${res.text.slice(0, 200)}`).toBe(200);
  const parsed = schema.safeParse(res.body);
  expect(parsed.success, `${path}: ${parsed.error?.message}`).toBe(true);
  expect(parsed.data, `${path}: a field the contract does not know`).toEqual(res.body);
  expect(res.headers[VERSION_HEADER]).toBe(version);
  expect(res.headers[CATALOGUE_HEADER]).toMatch(/^(bollywood|hollywood)$/);
  return res.body;
}

async function expectEveryEndpoint(
  app: Parameters<typeof request>[0],
  catalogue: Catalogue,
  version: string,
) {
  await expectAnswer(app, '/', backendIdentitySchema, version);
  await expectAnswer(app, '/genres', genresAnswerSchema, version);
  await expectAnswer(app, '/home?per_genre=10', homeAnswerSchema, version);
  for (const sort of ['popularity', 'rating', 'newest', 'oldest', 'title']) {
    await expectAnswer(app, `/movies?sort=${sort}&per_page=100`, moviePageAnswerSchema, version);
  }
  const firstGenre = catalogue.genres[0]?.id;
  await expectAnswer(app, `/movies?genre=${firstGenre}&page=2&per_page=5`, moviePageAnswerSchema, version);
  const page = await expectAnswer(app, '/movies?per_page=3', moviePageAnswerSchema, version);
  for (const movie of page.results as Array<{ id: number }>) {
    await expectAnswer(app, `/movies/${movie.id}`, movieAnswerSchema, version);
  }
}

describe('the API contract', () => {
  it.each([
    ['bollywood-data', 'v1'],
    ['hollywood-data', 'v2'],
  ])(
    'bundled %s: every endpoint answers what the schemas describe, nothing more',
    async (dataDir, version) => {
      const catalogue = loadCatalogue(dataDir);
      const { app } = testApp({ catalogue, serviceVersion: version });
      await expectEveryEndpoint(app, catalogue, version);
    },
  );

  it.each(['ok', 'server_error'] as const)('TMDB mode (TMDB %s): the same shapes', async (mode) => {
    fake.mode = mode;
    const { app, catalogue } = tmdbAppOn(fake.url, { serviceVersion: 'v1' });
    await expectEveryEndpoint(app, catalogue, 'v1');
  });

  it('every error answer has the contract error shape and still names who answered', async () => {
    const { app } = testApp();
    const cases: Array<[string, number, string]> = [
      ['/movies/999999999', 404, 'not_found'],
      ['/movies?per_page=1000', 400, 'bad_request'],
      ['/movies/abc', 400, 'bad_request'],
      ['/nowhere', 404, 'not_found'],
    ];
    for (const [path, status, code] of cases) {
      const res = await request(app).get(path);
      expect(res.status, path).toBe(status);
      expect(errorAnswerSchema.parse(res.body).error.code, path).toBe(code);
      expect(res.headers[VERSION_HEADER], path).toBe('v1');
    }
    const refused = await request(app).post('/movies');
    expect(refused.status).toBe(405);
    expect(errorAnswerSchema.safeParse(refused.body).success).toBe(true);
  });
});
