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

  it(`is the ${name} catalogue with at least 200 movies across at least 15 genres`, () => {
    expect(catalogue.name).toBe(name);
    expect(catalogue.size).toBeGreaterThanOrEqual(200);
    const genresUsed = catalogue.genresWithCounts.filter((genre) => genre.count > 0);
    expect(genresUsed.length).toBeGreaterThanOrEqual(15);
  });

  it(`is all original-language "${language}", with short overviews or none (never an empty one)`, () => {
    const movies = catalogue.sorted(undefined, 'title');
    expect(movies.filter((movie) => movie.original_language !== language)).toEqual([]);
    const written = movies.filter((movie) => movie.overview !== null);
    // Our own premises for the films whose story we know; null elsewhere rather than a guess.
    expect(written.length).toBeGreaterThanOrEqual(100);
    for (const movie of written) {
      expect(movie.overview?.trim().length, `overview of ${movie.id}`).toBeGreaterThanOrEqual(20);
      expect(movie.overview?.length, `overview of ${movie.id}`).toBeLessThanOrEqual(400);
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
    const home = await request(app).get('/home?per_genre=10').expect(200);
    expect(home.body.sections.length).toBeGreaterThanOrEqual(15);
    // What the UI asks for: a film appears once on the home page, and every row has at least 7 films.
    const shown = [
      ...home.body.featured.map((movie: { id: number }) => movie.id),
      ...home.body.sections.flatMap((section: { results: { id: number }[] }) =>
        section.results.map((movie) => movie.id),
      ),
    ];
    expect(new Set(shown).size).toBe(shown.length);
    for (const section of home.body.sections) expect(section.results.length).toBeGreaterThanOrEqual(7);
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
