import { describe, expect, it } from 'vitest';
import {
  chooseDestination,
  decideFault,
  describeMatch,
  isWeightText,
  matchRequest,
  parseDuration,
  parseSplit,
  parseWeight,
  type RequestInfo,
  rewritePath,
  shouldMirror,
  splitOf,
  summarizeRules,
  validateWeights,
  withWeights,
} from '../src/index.js';
import { virtualService } from './virtual-service-fixture.js';

const v1 = { destination: { host: 'movie-backend', subset: 'v1' } };
const v2 = { destination: { host: 'movie-backend', subset: 'v2' } };

function request(path: string, headers: Record<string, string> = {}, method = 'GET'): RequestInfo {
  return { method, path, headers };
}

/** Deterministic stand-in for Math.random: returns the given values in turn. */
function sequence(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length] as number;
}

describe('parseVirtualService', () => {
  it('accepts the fields the manifests use', () => {
    const vs = virtualService([
      {
        match: [{ uri: { prefix: '/api/' } }],
        rewrite: { uri: '/' },
        route: [
          { ...v1, weight: 80 },
          { ...v2, weight: 20 },
        ],
        timeout: '5s',
        retries: { attempts: 2, perTryTimeout: '2s', retryOn: '5xx,connect-failure' },
      },
    ]);
    expect(vs.spec.http).toHaveLength(1);
  });

  it('rejects a field the local gateway cannot honour, naming its path', () => {
    expect(() =>
      virtualService([{ match: [{ uri: { prefix: '/api/' }, port: 80 }], route: [v1] }]),
    ).toThrowError(/movie-backend.*spec\.http\.0\.match\.0.*port/);
  });

  it('rejects a misspelt field instead of ignoring it', () => {
    expect(() => virtualService([{ route: [{ ...v1, wieght: 100 }] }])).toThrowError(/wieght/);
  });

  it('rejects a StringMatch with two operators and an invalid regex', () => {
    expect(() =>
      virtualService([{ match: [{ uri: { prefix: '/a', exact: '/a' } }], route: [v1] }]),
    ).toThrowError(/exactly one of exact, prefix, regex/);
    expect(() => virtualService([{ match: [{ uri: { regex: '(' } }], route: [v1] }])).toThrowError(
      /invalid regex/,
    );
  });

  it('rejects weights out of range and bad durations', () => {
    expect(() => virtualService([{ route: [{ ...v1, weight: 120 }] }])).toThrowError(/weight/);
    expect(() => virtualService([{ route: [v1], timeout: 'soon' }])).toThrowError(/timeout/);
  });
});

describe('matchRequest', () => {
  const headerRouting = virtualService([
    {
      name: 'premium',
      match: [{ headers: { 'x-user-type': { exact: 'premium' } }, uri: { prefix: '/api/' } }],
      rewrite: { uri: '/' },
      route: [v2],
    },
    {
      name: 'split',
      match: [{ uri: { prefix: '/api/' } }],
      rewrite: { uri: '/' },
      route: [
        { ...v1, weight: 80 },
        { ...v2, weight: 20 },
      ],
    },
  ]);

  it('ANDs the conditions of one match block', () => {
    expect(
      matchRequest([headerRouting], request('/api/movies', { 'x-user-type': 'premium' }))?.rule.name,
    ).toBe('premium');
    // The header alone is not enough: the uri condition of the same block must hold too.
    expect(matchRequest([headerRouting], request('/other', { 'x-user-type': 'premium' }))).toBeUndefined();
    expect(matchRequest([headerRouting], request('/api/movies', { 'x-user-type': 'basic' }))?.rule.name).toBe(
      'split',
    );
  });

  it('ORs the match blocks of one rule (the original README defect)', () => {
    const orBlocks = virtualService([
      {
        match: [{ headers: { 'x-user-type': { exact: 'premium' } } }, { uri: { prefix: '/api/' } }],
        route: [v2],
      },
      { match: [{ uri: { prefix: '/api/' } }], route: [v1] },
    ]);
    // With two OR'ed blocks every /api/ request matches the first rule and goes to v2.
    const decision = matchRequest([orBlocks], request('/api/movies'));
    expect(decision?.ruleIndex).toBe(0);
    expect(decision?.match?.uri?.prefix).toBe('/api/');
  });

  it('takes the first matching rule and falls through VirtualServices in order', () => {
    const frontend = virtualService(
      [
        {
          match: [{ uri: { regex: '/(?:$|[^a].*|a(?:$|[^p].*)|ap(?:$|[^i].*)|api(?:$|[^/].*))' } }],
          route: [v1],
        },
      ],
      'movie-frontend',
    );
    const both = [headerRouting, frontend];
    expect(matchRequest(both, request('/'))?.virtualService.metadata.name).toBe('movie-frontend');
    expect(matchRequest(both, request('/movie/12'))?.virtualService.metadata.name).toBe('movie-frontend');
    expect(matchRequest(both, request('/apis'))?.virtualService.metadata.name).toBe('movie-frontend');
    expect(matchRequest(both, request('/api/'))?.virtualService.metadata.name).toBe('movie-backend');
    // Regexes are full matches: "/api/x" must not match the frontend even though a prefix of it would.
    expect(matchRequest([frontend], request('/api/x'))).toBeUndefined();
  });

  it('matches exact and regex uris without the query string, prefixes with it', () => {
    const vs = virtualService([
      { name: 'exact', match: [{ uri: { exact: '/api/' } }], route: [v1] },
      { name: 'regex', match: [{ uri: { regex: '/api/movies/[0-9]+' } }], route: [v2] },
    ]);
    expect(matchRequest([vs], request('/api/?x=1'))?.rule.name).toBe('exact');
    expect(matchRequest([vs], request('/api/movies/42?lang=en'))?.rule.name).toBe('regex');
    expect(matchRequest([vs], request('/api/movies/42/x'))).toBeUndefined();
  });

  it('supports header prefix and regex, ignoreUriCase, methods, withoutHeaders and query params', () => {
    const vs = virtualService([
      { name: 'prefix', match: [{ headers: { 'user-agent': { prefix: 'curl/' } } }], route: [v1] },
      { name: 'regex', match: [{ headers: { 'x-canary': { regex: 'yes|true' } } }], route: [v2] },
      {
        name: 'case',
        match: [{ uri: { prefix: '/API/' }, ignoreUriCase: true, method: { exact: 'POST' } }],
        route: [v2],
      },
      {
        name: 'without',
        match: [{ withoutHeaders: { 'x-debug': { exact: '1' } }, queryParams: { v: { exact: '2' } } }],
        route: [v2],
      },
    ]);
    expect(matchRequest([vs], request('/', { 'user-agent': 'curl/8.0' }))?.rule.name).toBe('prefix');
    expect(matchRequest([vs], request('/', { 'x-canary': 'true' }))?.rule.name).toBe('regex');
    expect(matchRequest([vs], request('/', { 'x-canary': 'truely' }))).toBeUndefined();
    expect(matchRequest([vs], request('/api/x', {}, 'post'))?.rule.name).toBe('case');
    expect(matchRequest([vs], request('/api/x', {}, 'GET'))).toBeUndefined();
    expect(matchRequest([vs], request('/x?v=2'))?.rule.name).toBe('without');
    expect(matchRequest([vs], request('/x?v=2', { 'x-debug': '1' }))).toBeUndefined();
  });

  it('treats a rule without match as matching everything', () => {
    const vs = virtualService([{ route: [v1] }]);
    expect(matchRequest([vs], request('/anything'))?.match).toBeUndefined();
  });
});

describe('rewritePath', () => {
  const vs = virtualService([
    { match: [{ uri: { prefix: '/api/' } }], rewrite: { uri: '/' }, route: [v1] },
    { match: [{ uri: { exact: '/old' } }], rewrite: { uri: '/new' }, route: [v1] },
  ]);
  const rewrite = (path: string) => rewritePath(matchRequest([vs], request(path)) as never, path);

  it('replaces the matched prefix', () => {
    expect(rewrite('/api/')).toBe('/');
    expect(rewrite('/api/movies?page=2')).toBe('/movies?page=2');
  });

  it('replaces the whole path for other matches and keeps the query', () => {
    expect(rewrite('/old?x=1')).toBe('/new?x=1');
  });
});

describe('weighted choice, faults and mirroring', () => {
  const rule = virtualService([
    {
      route: [
        { ...v1, weight: 80 },
        { ...v2, weight: 20 },
      ],
      fault: {
        delay: { fixedDelay: '3s', percentage: { value: 10 } },
        abort: { httpStatus: 503, percentage: { value: 5 } },
      },
      mirror: { host: 'movie-backend', subset: 'v2' },
      mirrorPercentage: { value: 50 },
    },
  ]).spec.http[0] as never;

  it('chooses by cumulative weight', () => {
    expect(chooseDestination(rule, () => 0).destination.subset).toBe('v1');
    expect(chooseDestination(rule, () => 0.79).destination.subset).toBe('v1');
    expect(chooseDestination(rule, () => 0.8).destination.subset).toBe('v2');
    expect(chooseDestination(rule, () => 0.9999).destination.subset).toBe('v2');
  });

  it('never picks a zero-weight destination', () => {
    const allV1 = virtualService([
      {
        route: [
          { ...v1, weight: 100 },
          { ...v2, weight: 0 },
        ],
      },
    ]).spec.http[0] as never;
    for (const r of [0, 0.5, 0.999999])
      expect(chooseDestination(allV1, () => r).destination.subset).toBe('v1');
  });

  it('draws delay and abort independently by percentage', () => {
    expect(decideFault(rule, sequence(0.05, 0.01))).toEqual({ delayMs: 3000, abortStatus: 503 });
    expect(decideFault(rule, sequence(0.5, 0.5))).toEqual({ delayMs: 0, abortStatus: undefined });
    expect(decideFault(rule, sequence(0.5, 0.04))).toEqual({ delayMs: 0, abortStatus: 503 });
  });

  it('mirrors the configured share', () => {
    expect(shouldMirror(rule, () => 0.4)).toBe(true);
    expect(shouldMirror(rule, () => 0.6)).toBe(false);
  });

  it('parses Istio durations', () => {
    expect(parseDuration('3s')).toBe(3000);
    expect(parseDuration('0.5s')).toBe(500);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('1m')).toBe(60_000);
    expect(() => parseDuration('3 seconds')).toThrowError(/invalid duration/);
  });
});

describe('splits', () => {
  const headerRouting = virtualService([
    { match: [{ headers: { 'x-user-type': { exact: 'premium' } }, uri: { prefix: '/api/' } }], route: [v2] },
    {
      match: [{ uri: { prefix: '/api/' } }],
      route: [
        { ...v1, weight: 80 },
        { ...v2, weight: 20 },
      ],
    },
  ]);

  it('reports the split a plain /api/ request gets', () => {
    expect(splitOf([headerRouting])).toEqual({ v1: 80, v2: 20 });
    expect(splitOf([headerRouting], request('/api/', { 'x-user-type': 'premium' }))).toEqual({ v2: 100 });
  });

  it('changes only the default split rule', () => {
    const shifted = withWeights([headerRouting], { v1: 5, v2: 95 });
    expect(splitOf(shifted)).toEqual({ v1: 5, v2: 95 });
    expect(shifted[0]?.spec.http[0]).toEqual(headerRouting.spec.http[0]);
    // The input is not mutated.
    expect(splitOf([headerRouting])).toEqual({ v1: 80, v2: 20 });
  });

  it('refuses a subset the rule has no destination for, naming what it routes to', () => {
    const onlyV1 = virtualService([{ match: [{ uri: { prefix: '/api/' } }], route: [v1] }]);
    expect(() => withWeights([onlyV1], { v1: 50, v2: 50 })).toThrowError(
      /has no destination with subset v2 \(it routes to: v1\)/,
    );
  });

  it('parses weights as typed, quoting the text when it is refused', () => {
    expect(
      parseSplit([
        ['v1', '95'],
        ['v2', '05'],
      ]),
    ).toEqual({ v1: 95, v2: 5 });
    expect(() => parseWeight('abc', 'v1')).toThrowError(
      'weight for v1 must be a whole number from 0 to 100, got "abc"',
    );
    expect(() => parseWeight('101', 'v1')).toThrowError('got "101"');
    expect(() => parseWeight('1.5', 'v1')).toThrowError('got "1.5"');
    expect(() => parseWeight('-5', 'v2')).toThrowError(
      'weight for v2 must be a whole number from 0 to 100, got "-5"',
    );
    expect(() => parseWeight('', 'v2')).toThrowError('got ""');
    expect(() =>
      parseSplit([
        ['v1', '95'],
        ['v2', '6'],
      ]),
    ).toThrowError('weights must sum to 100, got 101 (95 + 6)');
    expect(isWeightText('-5')).toBe(true);
    expect(isWeightText('50-50')).toBe(false);
  });

  it('validates requested weights with clear errors', () => {
    expect(validateWeights({ v1: 95, v2: 5 }, ['v1', 'v2'])).toEqual({ v1: 95, v2: 5 });
    expect(() => validateWeights({ v1: 90, v2: 5 })).toThrowError('weights must sum to 100, got 95 (90 + 5)');
    expect(() => validateWeights({ v1: 50.5, v2: 49.5 })).toThrowError(/whole number/);
    expect(() => validateWeights({ v1: -10, v2: 110 })).toThrowError(/from 0 to 100/);
    expect(() => validateWeights({ v3: 100 }, ['v1', 'v2'])).toThrowError(
      'unknown subset "v3" (known: v1, v2)',
    );
  });

  it('summarises rules for people', () => {
    const [premium, split] = summarizeRules([headerRouting]);
    expect(premium?.match).toEqual(['uri prefix /api/ AND header x-user-type = premium']);
    expect(split?.destinations.map((d) => [d.subset, d.weight])).toEqual([
      ['v1', 80],
      ['v2', 20],
    ]);
    expect(describeMatch(undefined)).toBe('every request');
  });
});
