import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCatalogue } from '../src/catalogue/load.js';
import { type RunningServer, startServer, testApp } from './helpers.js';

const CASES = [
  { dataDir: 'bollywood-data', catalogue: 'bollywood', version: 'v1', language: 'hi' },
  { dataDir: 'hollywood-data', catalogue: 'hollywood', version: 'v2', language: 'en' },
] as const;

describe.each(CASES)('the bundled $dataDir catalogue', ({ dataDir, catalogue: name, version, language }) => {
  // loadCatalogue applies the start-up schema: unique movie and genre ids, every genre_id known, TMDB's shape.
  const catalogue = loadCatalogue(dataDir);

  it(`is the ${name} catalogue with at least 120 movies across at least 12 genres`, () => {
    expect(catalogue.name).toBe(name);
    expect(catalogue.size).toBeGreaterThanOrEqual(120);
    const genresUsed = catalogue.genresWithCounts.filter((genre) => genre.count > 0);
    expect(genresUsed.length).toBeGreaterThanOrEqual(12);
  });

  it(`is mostly original-language "${language}" with short overviews in every entry`, () => {
    const movies = catalogue.sorted(undefined, 'title');
    const inLanguage = movies.filter((movie) => movie.original_language === language).length;
    expect(inLanguage / movies.length).toBeGreaterThanOrEqual(0.9);
    for (const movie of movies) {
      expect(movie.overview.trim().length, `overview of ${movie.id}`).toBeGreaterThan(0);
      expect(movie.overview.length, `overview of ${movie.id}`).toBeLessThanOrEqual(400);
    }
  });

  it(`answers ${version}'s identity and lists it`, async () => {
    const { app } = testApp({ catalogue, serviceVersion: version });
    const identity = await request(app).get('/').expect(200);
    expect(identity.body).toMatchObject({
      service: 'movie-backend',
      version,
      catalogue: name,
      source: 'bundled',
    });
    expect(identity.body.message).toContain(name);
    expect(identity.headers['x-backend-version']).toBe(version);
    expect(identity.headers['x-catalogue']).toBe(name);
    const listing = await request(app).get('/movies?per_page=100').expect(200);
    expect(listing.body.total_results).toBe(catalogue.size);
    const home = await request(app).get('/home').expect(200);
    expect(home.body.sections.length).toBeGreaterThanOrEqual(12);
  });
});

describe('the real server process with each bundled catalogue', () => {
  const servers: RunningServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
  });

  it.each(CASES)(
    'DATA_DIR=$dataDir SERVICE_VERSION=$version says $catalogue',
    async ({ dataDir, catalogue, version }) => {
      const server = await startServer({ DATA_DIR: dataDir, SERVICE_VERSION: version });
      servers.push(server);
      const res = await fetch(`${server.url}/`);
      expect(res.headers.get('x-backend-version')).toBe(version);
      expect(res.headers.get('x-catalogue')).toBe(catalogue);
      expect(await res.text()).toContain(catalogue);
    },
  );
});
