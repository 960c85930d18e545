/** Every shape crossing a process boundary: a real sample passes, each field's rule refuses what breaks it. */
import { describe, expect, it } from 'vitest';
import {
  backendIdentitySchema,
  dataSourceSchema,
  genresAnswerSchema,
  homeAnswerSchema,
  movieAnswerSchema,
  moviePageAnswerSchema,
  movieSchema,
} from '../src/api.js';
import { TOKEN_VARIABLE } from '../src/gateway-access.js';
import { meshStateSchema, meshUpdateHelp, trafficSnapshotSchema } from '../src/mesh-state.js';
import {
  CATALOGUE_HEADER,
  DATA_SOURCE_HEADER,
  IDENTITY_HEADERS,
  MESH_PATH,
  PREMIUM_HEADER,
  REQUEST_ID_HEADER,
  VERSION_HEADER,
  VISITOR_COOKIE,
} from '../src/names.js';
import { testReportSchema } from '../src/traffic-report.js';
import { movie } from './movie-fixture.js';

const ok = (schema: { safeParse: (v: unknown) => { success: boolean } }, value: unknown) =>
  schema.safeParse(value).success;

describe('names', () => {
  it('are the ones the UI, the scripts and the cluster agree on', () => {
    expect({
      VERSION_HEADER,
      CATALOGUE_HEADER,
      DATA_SOURCE_HEADER,
      REQUEST_ID_HEADER,
      VISITOR_COOKIE,
      MESH_PATH,
      TOKEN_VARIABLE,
    }).toEqual({
      VERSION_HEADER: 'x-backend-version',
      CATALOGUE_HEADER: 'x-catalogue',
      DATA_SOURCE_HEADER: 'x-data-source',
      REQUEST_ID_HEADER: 'x-request-id',
      VISITOR_COOKIE: 'movie-version',
      MESH_PATH: '/__mesh',
      TOKEN_VARIABLE: 'GATEWAY_TOKEN',
    });
    expect(IDENTITY_HEADERS).toContain(VERSION_HEADER);
    expect(PREMIUM_HEADER).toEqual({ name: 'x-user-type', value: 'premium' });
    expect(meshUpdateHelp).toBe(
      'send {"overlay": "<name under k8s/overlays>"} or {"weights": {"v1": 80, "v2": 20}}',
    );
  });
});

describe('the API answers', () => {
  it('take real answers', () => {
    expect(
      ok(backendIdentitySchema, {
        service: 'movie-backend',
        version: 'v1',
        catalogue: 'bollywood',
        source: 'bundled',
        message: 'hi',
      }),
    ).toBe(true);
    expect(ok(genresAnswerSchema, { genres: [{ id: 18, name: 'Drama', count: 6 }] })).toBe(true);
    expect(
      ok(moviePageAnswerSchema, {
        page: 1,
        results: [movie],
        total_pages: 1,
        total_results: 1,
        source: 'tmdb',
      }),
    ).toBe(true);
    expect(ok(movieAnswerSchema, { ...movie, source: 'bundled' })).toBe(true);
    const section = { genre: { id: 18, name: 'Drama' }, total_results: 1, results: [movie] };
    expect(
      ok(homeAnswerSchema, {
        catalogue: 'hollywood',
        featured: [movie],
        sections: [section],
        source: 'tmdb',
      }),
    ).toBe(true);
  });

  it('refuse what breaks them', () => {
    expect(
      ok(backendIdentitySchema, {
        service: 'other',
        version: 'v1',
        catalogue: 'bollywood',
        source: 'bundled',
        message: '',
      }),
    ).toBe(false);
    expect(ok(dataSourceSchema, 'file')).toBe(false);
    expect(ok(genresAnswerSchema, { genres: [{ id: 18, name: 'Drama' }] })).toBe(false);
    expect(
      ok(homeAnswerSchema, {
        catalogue: 'hollywood',
        featured: [],
        sections: [{ genre: { id: 1, name: 'x' }, results: [] }],
        source: 'tmdb',
      }),
    ).toBe(false);
  });

  it('hold a movie’s language, date and image paths to their whole pattern', () => {
    for (const [field, value] of [
      ['original_language', 'hin'],
      ['original_language', 'xhi'],
      ['original_language', 'hix'],
      ['release_date', 'x1995-10-20'],
      ['release_date', '1995-10-20x'],
      ['poster_path', 'x/a.jpg'],
      ['poster_path', '/a.jpg?x=1'],
    ] as const) {
      const result = movieSchema.safeParse({ ...movie, [field]: value });
      expect(result.success, `${field} ${value}`).toBe(false);
      expect(result.error?.issues[0]?.message, field).toBe(
        {
          original_language: 'must be an ISO 639-1 code',
          release_date: 'must be YYYY-MM-DD',
          poster_path: 'must be a TMDB image path like /abc.jpg',
        }[field],
      );
    }
  });
});

describe('the /__mesh state', () => {
  const rule = {
    virtualService: 'movie-backend',
    index: 0,
    name: 'split',
    match: ['uri prefix /api/'],
    rewrite: '/',
    destinations: [{ host: 'movie-backend', subset: 'v1', weight: 100 }],
    fault: { delay: { fixedDelay: '2s', percent: 10 }, abort: { httpStatus: 503, percent: 5 } },
    mirror: { host: 'movie-backend', subset: 'v2', percent: 100 },
    timeout: '5s',
    retries: { attempts: 2, perTryTimeout: '1s' },
  };
  const traffic = {
    windowSeconds: 60,
    window: { v1: { requests: 3, errors: 1 } },
    total: { v1: { requests: 9, errors: 1 } },
  };
  const state = {
    source: '80-20',
    overlay: '80-20',
    via: 'rendered',
    weights: { v1: 100 },
    rules: [rule],
    counts: { v1: 9 },
    countsSince: '2026-12-01T10:00:00.000Z',
    stats: { mirrored: 0, delayed: 1, aborted: 0, unrouted: 0 },
    upstreams: { 'movie-backend/v1': 'http://127.0.0.1:8001' },
    updatedAt: '2026-12-01T10:00:00.000Z',
    virtualServices: [],
    subsets: ['v1', 'v2'],
    traffic,
  };

  it('takes a full state, read by every via', () => {
    for (const via of ['kubectl', 'rendered', 'inline'])
      expect(ok(meshStateSchema, { ...state, via }), via).toBe(true);
    expect(ok(meshStateSchema, { ...state, via: 'other' })).toBe(false);
    expect(ok(trafficSnapshotSchema, { ...traffic, window: { v1: { requests: 1 } } })).toBe(false);
  });
});

describe('the traffic test report', () => {
  const verdict = {
    pass: true,
    statistic: 0,
    df: 1,
    pValue: 1,
    alpha: 0.001,
    expected: { v1: 8 },
    reason: 'ok',
    warning: 'few',
  };
  const report = {
    target: 'http://127.0.0.1:8080',
    mode: 'local',
    source: '80-20',
    path: '/api/',
    headers: { 'x-user-type': 'premium' },
    requests: 10,
    concurrency: 2,
    durationMs: 100,
    requestsPerSecond: 100,
    counts: { v1: 8, v2: 2 },
    unknown: 0,
    errors: { total: 0, byStatus: {}, byNetworkError: {}, byVersion: {} },
    percentages: { v1: 80, v2: 20 },
    configured: { v1: 80, v2: 20 },
    observedSplit: { v1: 80, v2: 20 },
    chiSquare: verdict,
    intervals: { v1: { low: 49, high: 94 } },
    successRate: 100,
    successRateByVersion: { v1: 100 },
    latencyMs: { p50: 1, p90: 2, p99: null },
    verdict: 'pass',
    exitCode: 0,
  };

  it('takes a report of either mode and every verdict', () => {
    for (const mode of ['local', 'cluster'])
      expect(ok(testReportSchema, { ...report, mode }), mode).toBe(true);
    for (const v of ['pass', 'split-mismatch', 'errors'])
      expect(ok(testReportSchema, { ...report, verdict: v }), v).toBe(true);
    expect(ok(testReportSchema, { ...report, verdict: 'switched' })).toBe(false);
    expect(ok(testReportSchema, { ...report, mode: 'remote' })).toBe(false);
  });
});
