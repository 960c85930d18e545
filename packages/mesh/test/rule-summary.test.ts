/** Readable rule summaries (GET /__mesh, traffic config): unit tests on hand-written rules. */
import { describe, expect, it } from 'vitest';
import { describeMatch, summarizeRules } from '../src/rule-summary.js';
import { parseVirtualService, type VirtualService } from '../src/virtual-service.js';

function virtualService(http: unknown[]): VirtualService {
  return parseVirtualService({
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'movie-backend' },
    spec: { hosts: ['*'], http },
  });
}

describe('describeMatch', () => {
  it('names every condition of a block, joined by AND', () => {
    expect(
      describeMatch({
        uri: { prefix: '/api/' },
        method: { exact: 'GET' },
        authority: { regex: 'movies.*' },
        headers: { 'x-user-type': { exact: 'premium' } },
        withoutHeaders: { cookie: { prefix: 'a' } },
        queryParams: { debug: { exact: '1' } },
      }),
    ).toBe(
      'uri prefix /api/ AND method = GET AND authority ~ /movies.*/ AND header x-user-type = premium AND no header cookie prefix a AND query debug = 1',
    );
  });

  it('says every request for no block or an empty one', () => {
    expect(describeMatch(undefined)).toBe('every request');
    expect(describeMatch({})).toBe('every request');
    expect(describeMatch({ uri: { exact: '' } })).toBe('uri = ');
  });
});

describe('summarizeRules', () => {
  it('summarises each rule: matches, rewrite, destinations with weights, faults, mirror, timeout and retries', () => {
    const vs = virtualService([
      {
        name: 'full',
        match: [{ uri: { prefix: '/api/' } }, { uri: { exact: '/api' } }],
        rewrite: { uri: '/' },
        route: [
          { destination: { host: 'movie-backend', subset: 'v1' }, weight: 80 },
          { destination: { host: 'movie-backend', subset: 'v2' }, weight: 20 },
        ],
        fault: { delay: { fixedDelay: '2s', percentage: { value: 10 } }, abort: { httpStatus: 503 } },
        mirror: { host: 'movie-backend', subset: 'v2' },
        mirrorPercentage: { value: 25 },
        timeout: '5s',
        retries: { attempts: 3, perTryTimeout: '1s', retryOn: '5xx' },
      },
      {
        route: [{ destination: { host: 'movie-frontend' } }],
        fault: { abort: { httpStatus: 500, percentage: { value: 5 } }, delay: { fixedDelay: '1s' } },
        mirror: { host: 'movie-backend' },
      },
      { match: [], route: [{ destination: { host: 'movie-frontend' } }], retries: { attempts: 0 } },
    ]);
    expect(summarizeRules([vs])).toStrictEqual([
      {
        virtualService: 'movie-backend',
        index: 0,
        name: 'full',
        match: ['uri prefix /api/', 'uri = /api'],
        rewrite: '/',
        destinations: [
          { host: 'movie-backend', subset: 'v1', weight: 80 },
          { host: 'movie-backend', subset: 'v2', weight: 20 },
        ],
        fault: { delay: { fixedDelay: '2s', percent: 10 }, abort: { httpStatus: 503, percent: 100 } },
        mirror: { host: 'movie-backend', subset: 'v2', percent: 25 },
        timeout: '5s',
        retries: { attempts: 3, perTryTimeout: '1s' },
      },
      {
        virtualService: 'movie-backend',
        index: 1,
        name: undefined,
        match: ['every request'],
        rewrite: undefined,
        destinations: [{ host: 'movie-frontend', subset: undefined, weight: 100 }],
        fault: { delay: { fixedDelay: '1s', percent: 100 }, abort: { httpStatus: 500, percent: 5 } },
        mirror: { host: 'movie-backend', subset: undefined, percent: 100 },
        timeout: undefined,
        retries: undefined,
      },
      {
        virtualService: 'movie-backend',
        index: 2,
        name: undefined,
        match: ['every request'],
        rewrite: undefined,
        destinations: [{ host: 'movie-frontend', subset: undefined, weight: 100 }],
        fault: undefined,
        mirror: undefined,
        timeout: undefined,
        retries: { attempts: 0, perTryTimeout: undefined },
      },
    ]);
  });
});
