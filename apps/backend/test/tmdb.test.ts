import request from 'supertest';
import { describe, expect, it, vi } from 'vitest';
import { loadFacts } from '../src/catalogue/facts.js';
import { loadCatalogue } from '../src/catalogue/load.js';
import { isV4Token } from '../src/tmdb/tmdb-client.js';
import { FAKE_V3_KEY, FAKE_V4_TOKEN, type FakeTmdbMode, useFakeTmdb } from './fake-tmdb-server.js';
import { fixtureCatalogue, type TmdbAppOptions, tmdbAppOn } from './helpers.js';

const fake = useFakeTmdb();

/** The app in TMDB mode against the fake TMDB server. */
const tmdbApp = (options: TmdbAppOptions = {}) => tmdbAppOn(fake().url, options);

describe('TMDB mode, TMDB healthy', () => {
  it('lists Hindi-language movies live for v1', async () => {
    const { app } = tmdbApp();
    const res = await request(app).get('/movies').expect(200);
    expect(res.body).toMatchObject({ page: 1, total_results: 45, total_pages: 3, source: 'tmdb' });
    expect(res.body.results[0]).toMatchObject({
      id: 1000,
      title: 'Hindi Film 1000',
      original_language: 'hi',
    });
    expect(res.headers['x-data-source']).toBe('tmdb');
    const call = fake().requests[0];
    expect(call?.path).toBe('/discover/movie');
    expect(call?.query.get('with_original_language')).toBe('hi');
    expect(call?.query.get('sort_by')).toBe('popularity.desc');
    expect(call?.query.get('include_adult')).toBe('false');
    const identity = await request(app).get('/').expect(200);
    expect(identity.body).toMatchObject({ catalogue: 'bollywood', source: 'tmdb' });
  });

  it('lists English-language US movies for v2', async () => {
    const { app } = tmdbApp({ catalogue: fixtureCatalogue('hollywood'), serviceVersion: 'v2' });
    const res = await request(app).get('/movies?genre=80&sort=rating').expect(200);
    expect(res.body.results[0].original_language).toBe('en');
    const call = fake().requests[0];
    expect(call?.query.get('with_original_language')).toBe('en');
    expect(call?.query.get('with_origin_country')).toBe('US');
    expect(call?.query.get('with_genres')).toBe('80');
    expect(call?.query.get('sort_by')).toBe('vote_average.desc');
  });

  it('maps any per_page onto TMDB’s 20-item pages', async () => {
    const { app } = tmdbApp();
    const res = await request(app).get('/movies?page=2&per_page=15').expect(200);
    expect(res.body.results.map((movie: { id: number }) => movie.id)).toEqual(
      Array.from({ length: 15 }, (_, i) => 1015 + i),
    );
    expect(res.body).toMatchObject({ page: 2, total_pages: 3, total_results: 45 });
    expect(
      fake()
        .requests.map((call) => call.query.get('page'))
        .sort(),
    ).toEqual(['1', '2']);
    const all = await request(app).get('/movies?per_page=100').expect(200);
    expect(all.body.results).toHaveLength(45);
  });

  it('searches with /search/movie', async () => {
    const { app } = tmdbApp();
    await request(app).get('/movies?q=sholay').expect(200);
    expect(fake().requests[0]?.path).toBe('/search/movie');
    expect(fake().requests[0]?.query.get('query')).toBe('sholay');
  });

  it('serves detail live and 404s for a movie TMDB and the bundle both lack', async () => {
    const { app } = tmdbApp();
    const res = await request(app).get('/movies/1234').expect(200);
    expect(res.body).toMatchObject({ id: 1234, genre_ids: [18], source: 'tmdb' });
    expect(res.body).not.toHaveProperty('runtime');
    const missing = await request(app).get('/movies/950000').expect(404);
    expect(missing.body.error.code).toBe('not_found');
  });

  it('builds the home feed from TMDB', async () => {
    const { app } = tmdbApp();
    const res = await request(app).get('/home?per_genre=3').expect(200);
    expect(res.body.source).toBe('tmdb');
    expect(res.body.featured).toHaveLength(5);
    expect(res.body.sections[0].results).toHaveLength(3);
    expect(res.body.sections[0].results[0].genre_ids).toContain(res.body.sections[0].genre.id);
  });

  it('propagates request id and trace headers to TMDB', async () => {
    const { app } = tmdbApp();
    const trace = {
      'x-request-id': 'req-trace-1',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      tracestate: 'rojo=00f067aa0ba902b7',
      'x-b3-traceid': '80f198ee56343ba864fe8b2a57d3eff7',
      'x-b3-spanid': 'e457b5a2e4d86bd1',
      'x-b3-parentspanid': '05e3ac9a4f6e3b90',
      'x-b3-sampled': '1',
      b3: '80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1',
    };
    await request(app).get('/movies/77').set(trace).expect(200);
    expect(fake().requests[0]?.headers).toMatchObject(trace);
  });
});

describe('TMDB mode with the real TMDB ids of the bundled catalogues', () => {
  it.each(['bollywood', 'hollywood'] as const)(
    'the detail of every bundled %s id is the same film, live from TMDB',
    async (name) => {
      const catalogue = loadCatalogue(`${name}-data`);
      fake().films = loadFacts(name);
      const { app } = tmdbApp({ catalogue, serviceVersion: name === 'bollywood' ? 'v1' : 'v2' });
      const wrong: string[] = [];
      for (const bundled of catalogue.sorted(undefined, 'title')) {
        const res = await request(app).get(`/movies/${bundled.id}`).expect(200);
        const { id, title, release_date: date, source } = res.body;
        if (source !== 'tmdb' || title !== bundled.title || date !== bundled.release_date) {
          wrong.push(`${bundled.id} "${bundled.title}" → ${source} ${id} "${title}" ${date}`);
        }
      }
      expect(wrong).toEqual([]);
      expect(fake().requests.filter((call) => call.path.startsWith('/movie/'))).toHaveLength(catalogue.size);
    },
  );

  it('a wrong id shows another film, or none: the test above would catch it', async () => {
    fake().films = loadFacts('bollywood');
    const { app } = tmdbApp({ catalogue: loadCatalogue('bollywood-data') });
    // The old catalogue filed Mr. India under 21524; TMDB's Mr. India is 41903.
    const res = await request(app).get('/movies/21524').expect(404);
    expect(res.body.error.code).toBe('not_found');
    const real = await request(app).get('/movies/41903').expect(200);
    expect(real.body).toMatchObject({ title: 'Mr. India', release_date: '1987-05-25', source: 'tmdb' });
  });
});

describe('TMDB credentials', () => {
  it('tells v3 keys from v4 tokens', () => {
    expect(isV4Token(FAKE_V4_TOKEN)).toBe(true);
    expect(isV4Token(FAKE_V3_KEY)).toBe(false);
  });

  it('sends a v3 key as api_key and no Authorization header', async () => {
    const { app } = tmdbApp({ apiKey: FAKE_V3_KEY });
    await request(app).get('/movies').expect(200);
    expect(fake().requests[0]?.query.get('api_key')).toBe(FAKE_V3_KEY);
    expect(fake().requests[0]?.headers.authorization).toBeUndefined();
  });

  it('sends a v4 token as a bearer token and no api_key', async () => {
    const { app } = tmdbApp({ apiKey: FAKE_V4_TOKEN });
    const res = await request(app).get('/movies').expect(200);
    expect(res.body.source).toBe('tmdb');
    expect(fake().requests[0]?.headers.authorization).toBe(`Bearer ${FAKE_V4_TOKEN}`);
    expect(fake().requests[0]?.query.has('api_key')).toBe(false);
  });

  it('a wrong key is a 401 from TMDB, so the bundled catalogue answers', async () => {
    const { app, warnings } = tmdbApp({ apiKey: 'ffffffffffffffffffffffffffffffff' });
    const res = await request(app).get('/movies').expect(200);
    expect(res.body.source).toBe('bundled');
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toMatchObject({ tmdbFailure: 'unauthorized', tmdbStatus: 401 });
  });
});

describe('TMDB failures fall back to the bundled catalogue', () => {
  it.each<[FakeTmdbMode, string]>([
    ['timeout', 'timeout'],
    ['unauthorized', 'unauthorized'],
    ['rate_limited', 'rate_limited'],
    ['server_error', 'server_error'],
    ['bad_json', 'bad_response'],
    ['wrong_shape', 'bad_response'],
  ])('%s → source "bundled", one warning for the streak', async (mode, kind) => {
    const { app, warnings, log } = tmdbApp();
    fake().mode = mode;
    const list = await request(app).get('/movies?per_page=3').expect(200);
    expect(list.body).toMatchObject({ source: 'bundled', total_results: 6 });
    expect(list.body.results[0].id).toBe(20453);
    expect(list.headers['x-data-source']).toBe('bundled');
    const detail = await request(app).get('/movies/19404').expect(200);
    expect(detail.body).toMatchObject({ title: 'Dilwale Dulhania Le Jayenge', source: 'bundled' });
    const home = await request(app).get('/home').expect(200);
    expect(home.body.source).toBe('bundled');
    const identity = await request(app).get('/').expect(200);
    expect(identity.body.source).toBe('bundled');

    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toMatchObject({ tmdbFailure: kind });
    expect(log.raw()).not.toContain(FAKE_V3_KEY);
    for (const res of [list, detail, home, identity]) {
      expect(JSON.stringify(res.headers) + res.text).not.toContain(FAKE_V3_KEY);
    }
  });

  it('logs one warning per failure streak and recovers', async () => {
    const { app, warnings, log } = tmdbApp();
    fake().mode = 'server_error';
    for (let i = 0; i < 3; i++)
      await request(app)
        .get(`/movies?page=${i + 1}&per_page=1`)
        .expect(200);
    expect(warnings()).toHaveLength(1);

    fake().mode = 'ok';
    const recovered = await request(app).get('/movies').expect(200);
    expect(recovered.body.source).toBe('tmdb');
    expect(log.lines().some((line) => line.msg === 'TMDB reachable again; serving live data')).toBe(true);

    fake().mode = 'rate_limited';
    await request(app).get('/movies?page=2').expect(200);
    await request(app).get('/movies?page=3').expect(200);
    expect(warnings()).toHaveLength(2);
    expect(warnings()[1]).toMatchObject({ tmdbFailure: 'rate_limited', tmdbStatus: 429 });
  });

  it('keeps the key out of logs and responses even with debug logging', async () => {
    const { app, log } = tmdbApp({ apiKey: FAKE_V4_TOKEN });
    log.logger.level = 'trace';
    await request(app).get('/movies').set('authorization', `Bearer ${FAKE_V4_TOKEN}`).expect(200);
    fake().mode = 'unauthorized';
    const res = await request(app).get('/movies?page=2').expect(200);
    expect(log.raw()).not.toContain(FAKE_V4_TOKEN);
    expect(res.text).not.toContain(FAKE_V4_TOKEN);
  });
});

describe('TMDB cache (LRU + TTL)', () => {
  it('answers a repeated request from the cache', async () => {
    const { app } = tmdbApp();
    await request(app).get('/movies').expect(200);
    await request(app).get('/movies').expect(200);
    await request(app).get('/movies/55').expect(200);
    await request(app).get('/movies/55').expect(200);
    expect(fake().requests).toHaveLength(2);
  });

  it('serves a cached answer even while TMDB is down', async () => {
    const { app } = tmdbApp();
    await request(app).get('/movies').expect(200);
    fake().mode = 'server_error';
    const res = await request(app).get('/movies').expect(200);
    expect(res.body.source).toBe('tmdb');
  });

  it('does not cache failures', async () => {
    const { app } = tmdbApp();
    fake().mode = 'server_error';
    await request(app).get('/movies').expect(200);
    fake().mode = 'ok';
    const res = await request(app).get('/movies').expect(200);
    expect(res.body.source).toBe('tmdb');
    expect(fake().requests).toHaveLength(2);
  });

  it('forgets entries after the TTL', async () => {
    const { app } = tmdbApp({ cacheTtlMs: 50 });
    await request(app).get('/movies').expect(200);
    expect(fake().requests).toHaveLength(1);
    // No fixed sleep: ask again until the answer comes from TMDB rather than the cache (after 50 ms, however
    // busy the machine). Until then every ask is a cache hit, so the count goes from 1 straight to 2.
    await vi.waitFor(
      async () => {
        await request(app).get('/movies').expect(200);
        expect(fake().requests.length).toBeGreaterThan(1);
      },
      { timeout: 20_000, interval: 20 },
    );
    expect(fake().requests).toHaveLength(2);
  });

  it('evicts the least recently used entry when full', async () => {
    const { app, client } = tmdbApp({ cacheMax: 2 });
    for (const page of [1, 2, 3]) await request(app).get(`/movies?page=${page}`).expect(200);
    expect(client.cacheSize).toBe(2);
    await request(app).get('/movies?page=3').expect(200); // still cached
    expect(fake().requests).toHaveLength(3);
    await request(app).get('/movies?page=1').expect(200); // evicted, fetched again
    expect(fake().requests).toHaveLength(4);
  });
});
