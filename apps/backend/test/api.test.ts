import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { Movie } from '../src/catalogue/schema.js';
import { BundledMovieSource } from '../src/movies/movie-source.js';
import { fixtureCatalogue, testApp } from './helpers.js';

const { app } = testApp();

describe('identity', () => {
  it('names version, catalogue and source for v1', async () => {
    const res = await request(app).get('/').expect(200);
    expect(res.body).toEqual({
      service: 'movie-backend',
      version: 'v1',
      catalogue: 'bollywood',
      source: 'bundled',
      message: expect.stringContaining('bollywood'),
    });
  });

  it('names v2 and hollywood when configured so', async () => {
    const v2 = testApp({ catalogue: fixtureCatalogue('hollywood'), serviceVersion: 'v2' }).app;
    const res = await request(v2).get('/').expect(200);
    expect(res.body).toMatchObject({ version: 'v2', catalogue: 'hollywood' });
    expect(res.body.message).toContain('hollywood');
    expect(res.headers['x-backend-version']).toBe('v2');
    expect(res.headers['x-catalogue']).toBe('hollywood');
  });
});

describe('GET /genres', () => {
  it('lists every genre with how many movies it has', async () => {
    const res = await request(app).get('/genres').expect(200);
    expect(res.body.genres).toContainEqual({ id: 18, name: 'Drama', count: 6 });
    expect(res.body.genres).toContainEqual({ id: 10749, name: 'Romance', count: 1 });
    expect(res.body.genres).toContainEqual({ id: 99, name: 'Documentary', count: 0 });
  });
});

describe('GET /movies', () => {
  it('answers with TMDB-style pagination, most popular first by default', async () => {
    const res = await request(app).get('/movies').expect(200);
    expect(res.body).toMatchObject({ page: 1, total_pages: 1, total_results: 6, source: 'bundled' });
    const popularity = res.body.results.map((movie: Movie) => movie.popularity);
    expect(popularity).toEqual([...popularity].sort((a, b) => b - a));
    expect(res.headers['x-data-source']).toBe('bundled');
  });

  it('pages through the catalogue without overlap', async () => {
    const pages = await Promise.all(
      [1, 2, 3, 4].map((page) => request(app).get(`/movies?per_page=2&page=${page}`).expect(200)),
    );
    expect(pages[0]?.body).toMatchObject({ total_pages: 3, total_results: 6 });
    const ids = pages.flatMap((res) => res.body.results.map((movie: Movie) => movie.id));
    expect(ids).toHaveLength(6);
    expect(new Set(ids).size).toBe(6);
    expect(pages[3]?.body.results).toEqual([]);
  });

  it.each([
    ['rating', (a: Movie, b: Movie) => b.vote_average - a.vote_average],
    ['newest', (a: Movie, b: Movie) => b.release_date.localeCompare(a.release_date)],
    ['oldest', (a: Movie, b: Movie) => a.release_date.localeCompare(b.release_date)],
    ['title', (a: Movie, b: Movie) => a.title.localeCompare(b.title, 'en')],
  ])('sorts by %s', async (sort, compare) => {
    const res = await request(app).get(`/movies?sort=${sort}`).expect(200);
    const results = res.body.results as Movie[];
    for (let i = 1; i < results.length; i++) {
      expect(compare(results[i - 1] as Movie, results[i] as Movie)).toBeLessThanOrEqual(0);
    }
  });

  it('filters by genre', async () => {
    const res = await request(app).get('/movies?genre=80').expect(200);
    expect(res.body.results.map((movie: Movie) => movie.title).sort()).toEqual(['Deewaar', 'Sholay']);
  });

  it('searches titles case- and accent-insensitively, combined with genre and sort', async () => {
    const res = await request(app).get('/movies?q=IDIOTS').expect(200);
    expect(res.body.results.map((movie: Movie) => movie.id)).toEqual([20453]);
    const hindi = await request(app)
      .get(`/movies?q=${encodeURIComponent('दंगल')}`)
      .expect(200);
    expect(hindi.body.results.map((movie: Movie) => movie.id)).toEqual([360814]);
    const combined = await request(app).get('/movies?q=d&genre=28&sort=oldest').expect(200);
    expect(combined.body.results.map((movie: Movie) => movie.title)).toEqual(['Deewaar', 'Dangal']);
  });

  it('answers HEAD with headers and no body', async () => {
    const res = await request(app).head('/movies?page=1').expect(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(Number(res.headers['content-length'])).toBeGreaterThan(100);
    expect(res.text ?? '').toBe('');
  });

  it('serves repeated listings byte-identical (pre-serialised) and distinct queries distinctly', async () => {
    const first = await request(app).get('/movies?sort=title&per_page=2').expect(200);
    const again = await request(app).get('/movies?sort=title&per_page=2').expect(200);
    const other = await request(app).get('/movies?sort=title&per_page=2&page=2').expect(200);
    expect(again.text).toBe(first.text);
    expect(other.body.results[0].id).not.toBe(first.body.results[0].id);
  });

  it('treats a blank q as no search', async () => {
    const res = await request(app).get('/movies?q=%20%20').expect(200);
    expect(res.body.total_results).toBe(6);
  });
});

describe('GET /movies/:id', () => {
  it('returns one movie', async () => {
    const res = await request(app).get('/movies/19404').expect(200);
    expect(res.body).toMatchObject({ id: 19404, title: 'Dilwale Dulhania Le Jayenge', source: 'bundled' });
  });

  it('answers 404 JSON for an unknown id', async () => {
    const res = await request(app).get('/movies/999999').expect(404);
    expect(res.body).toEqual({ error: { code: 'not_found', message: expect.stringContaining('999999') } });
  });
});

describe('GET /home', () => {
  it('has featured movies and a few top-rated movies per genre, each film once', async () => {
    const res = await request(app).get('/home?per_genre=2').expect(200);
    expect(res.body.catalogue).toBe('bollywood');
    expect(res.body.featured.map((movie: Movie) => movie.id)).toEqual([20453, 19404, 360814, 297222, 11049]);
    // The five featured films are in no row, which leaves Deewaar, placed in Crime (the scarcest of its genres);
    // genres left without films (and Documentary, which has none) are left out rather than shown empty.
    expect(res.body.sections).toEqual([
      {
        genre: { id: 80, name: 'Crime' },
        total_results: 2,
        results: [expect.objectContaining({ id: 13051 })],
      },
    ]);
  });
});

describe('bad input', () => {
  it.each([
    ['/movies?page=abc', 'page'],
    ['/movies?page=0', 'page'],
    ['/movies?page=-1', 'page'],
    ['/movies?page=1.5', 'page'],
    ['/movies?page=501', 'page'],
    ['/movies?page=1&page=2', 'page'],
    ['/movies?per_page=101', 'per_page'],
    ['/movies?per_page=0', 'per_page'],
    [`/movies?q=${'x'.repeat(201)}`, 'q'],
    ['/movies?sort=budget', 'sort'],
    ['/movies?sort=rating&sort=title', 'sort'],
    ['/movies?genre=12345', 'genre'],
    ['/movies?genre=drama', 'genre'],
    ['/home?per_genre=50', 'per_genre'],
    ['/movies/abc', 'id'],
    ['/movies/0', 'id'],
    ['/movies/1e3', 'id'],
  ])('%s → 400 naming %s', async (url, parameter) => {
    const res = await request(app).get(url).expect(400);
    expect(res.body.error.code).toBe('bad_request');
    expect(res.body.error.message).toContain(parameter);
    expect(Object.keys(res.body)).toEqual(['error']);
  });

  it('accepts a q of exactly 200 characters', async () => {
    await request(app)
      .get(`/movies?q=${'x'.repeat(200)}`)
      .expect(200);
  });

  it('answers 404 JSON for an unknown route', async () => {
    const res = await request(app).get('/api/nope').expect(404);
    expect(res.body.error.code).toBe('not_found');
  });

  it.each(['post', 'put', 'delete', 'patch'] as const)(
    'answers 405 JSON with Allow for %s',
    async (method) => {
      const res = await request(app)[method]('/movies').send({ x: 1 }).expect(405);
      expect(res.body.error.code).toBe('method_not_allowed');
      expect(res.headers.allow).toBe('GET, HEAD');
    },
  );

  it('never shows a stack trace, even for a malformed escape', async () => {
    const res = await request(app).get('/movies/%E0%A4%A').expect(400);
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(js|ts):\d+/);
    expect(res.body.error.code).toBe('bad_request');
  });

  it('turns an unexpected error into a generic 500 and logs it', async () => {
    const catalogue = fixtureCatalogue('bollywood');
    const broken = new BundledMovieSource(catalogue);
    broken.movie = async () => {
      throw new Error('database password is hunter2');
    };
    const { app: failing, log } = testApp({ catalogue, source: broken });
    const res = await request(failing).get('/movies/19404').expect(500);
    expect(res.body).toEqual({ error: { code: 'internal_error', message: 'Internal server error' } });
    expect(res.text).not.toContain('hunter2');
    expect(res.headers['x-catalogue']).toBe('bollywood');
    expect(log.lines().some((line) => line.level === 'error' && line.msg === 'unhandled error')).toBe(true);
  });

  it.each([
    '/movies/..%2F..%2Fpackage.json',
    '/movies/%2e%2e/%2e%2e/package.json',
    '/../package.json',
    '/data/bollywood-data/catalogue.json',
    '/catalogue.json',
    '/movies/..%5C..%5Cpackage.json',
  ])('cannot read files outside the catalogue through %s', async (url) => {
    const res = await request(app).get(url);
    expect([400, 404]).toContain(res.status);
    expect(res.text).not.toContain('"name"');
    expect(res.text).not.toContain('"catalogue":');
  });
});

describe('headers', () => {
  it.each([
    ['/', 200],
    ['/movies?page=abc', 400],
    ['/nope', 404],
    ['/healthz', 200],
    ['/metrics', 200],
  ])('%s carries the version headers (status %s)', async (url, status) => {
    const res = await request(app).get(url).expect(status);
    expect(res.headers['x-backend-version']).toBe('v1');
    expect(res.headers['x-catalogue']).toBe('bollywood');
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-expose-headers']).toContain('x-backend-version');
    expect(res.headers['access-control-expose-headers']).toContain('x-catalogue');
  });

  it('405s carry them too', async () => {
    const res = await request(app).delete('/').expect(405);
    expect(res.headers['x-backend-version']).toBe('v1');
  });

  it('answers CORS preflight', async () => {
    const res = await request(app)
      .options('/movies')
      .set('origin', 'http://localhost:5173')
      .set('access-control-request-method', 'GET')
      .expect(204);
    expect(res.headers['access-control-allow-methods']).toContain('GET');
    expect(res.headers['access-control-allow-headers']).toContain('traceparent');
    expect(res.headers['x-catalogue']).toBe('bollywood');
  });

  it('honours a configured CORS origin', async () => {
    const strict = testApp({ corsOrigin: 'http://localhost:5173' }).app;
    const res = await request(strict).get('/').expect(200);
    expect(res.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    expect(res.headers.vary?.toLowerCase()).toContain('origin');
  });

  it('sends helmet headers and disables caching', async () => {
    const res = await request(app).get('/movies').expect(200);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers.etag).toBeUndefined();
  });

  it('echoes a sane x-request-id and mints one otherwise', async () => {
    const kept = await request(app).get('/').set('x-request-id', 'abc-123').expect(200);
    expect(kept.headers['x-request-id']).toBe('abc-123');
    const minted = await request(app).get('/').set('x-request-id', 'bad id\twith spaces').expect(200);
    expect(minted.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs each request as JSON with its request id', async () => {
    const { app: logged, log } = testApp();
    await request(logged).get('/movies?page=1').set('x-request-id', 'req-42').expect(200);
    const line = log.lines().find((entry) => (entry.req as { id?: string } | undefined)?.id === 'req-42');
    expect(line).toMatchObject({
      level: 'info',
      req: { method: 'GET', url: '/movies?page=1' },
      res: { statusCode: 200 },
    });
  });
});

describe('probes and metrics', () => {
  it('healthz is always 200; readyz is 503 until loaded and while draining', async () => {
    const { app: probed, readiness } = testApp({ ready: false });
    await request(probed).get('/healthz').expect(200);
    const starting = await request(probed).get('/readyz').expect(503);
    expect(starting.body.error.code).toBe('not_ready');
    readiness.markLoaded();
    await request(probed).get('/readyz').expect(200);
    readiness.startDraining();
    await request(probed).get('/readyz').expect(503);
    const draining = await request(probed).get('/healthz').expect(200);
    expect(draining.headers.connection).toBe('close');
  });

  it('counts requests and latency by route and status with a version label', async () => {
    const { app: measured } = testApp({ serviceVersion: 'v2' });
    await request(measured).get('/movies/19404').expect(200);
    await request(measured).get('/movies/19404').expect(200);
    await request(measured).get('/movies/424242').expect(404);
    await request(measured).get('/movies?page=abc').expect(400);
    const res = await request(measured).get('/metrics').expect(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.text).toMatch(
      /http_requests_total\{method="GET",route="\/movies\/:id",status="200",version="v2",catalogue="bollywood"\} 2/,
    );
    expect(res.text).toMatch(
      /http_requests_total\{method="GET",route="\/movies\/:id",status="404",version="v2"/,
    );
    expect(res.text).toMatch(/http_requests_total\{method="GET",route="\/movies",status="400",version="v2"/);
    expect(res.text).toMatch(
      /http_request_duration_seconds_bucket\{le="0\.1",version="v2",catalogue="bollywood",method="GET",route="\/movies\/:id",status="200"\} 2/,
    );
    expect(res.text).toContain('http_requests_in_flight');
  });
});

describe('demo faults', () => {
  it('FAULT_ERROR_RATE answers 500 injected_fault for API requests but never for probes', async () => {
    const faulty = testApp({ faults: { delayMs: 0, errorRate: 0.5 }, random: () => 0.25 }).app;
    const res = await request(faulty).get('/movies').expect(500);
    expect(res.body.error.code).toBe('injected_fault');
    expect(res.headers['x-backend-version']).toBe('v1');
    await request(faulty).get('/healthz').expect(200);
    await request(faulty).get('/readyz').expect(200);
    await request(faulty).get('/metrics').expect(200);
    const lucky = testApp({ faults: { delayMs: 0, errorRate: 0.5 }, random: () => 0.75 }).app;
    await request(lucky).get('/movies').expect(200);
  });

  it('FAULT_SEED makes the injected faults repeat: the same seed, the same requests fail', async () => {
    const outcomes = async (seed: number) => {
      const { app } = testApp({ faults: { delayMs: 0, errorRate: 0.5, seed } });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i += 1) statuses.push((await request(app).get('/genres')).status);
      return statuses;
    };
    const first = await outcomes(7);
    expect(await outcomes(7)).toEqual(first);
    expect(first).toContain(500);
    expect(first).toContain(200);
    expect(await outcomes(8)).not.toEqual(first);
  });

  it('FAULT_DELAY_MS slows API requests but not probes', async () => {
    const slow = testApp({ faults: { delayMs: 300, errorRate: 0 } }).app;
    const started = performance.now();
    await request(slow).get('/genres').expect(200);
    // A lower bound only: a timer never fires early, however busy the machine is.
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    // Probes skip the delay stage: with a delay no test could outwait, the probe still answers.
    const stalled = testApp({ faults: { delayMs: 3_600_000, errorRate: 0 } }).app;
    await request(stalled).get('/healthz').expect(200);
  });
});
