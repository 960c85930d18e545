/** The VirtualService reader at its edges: error wording, matching details, rewrites, draws and durations. */
import { describe, expect, it } from 'vitest';
import { ManifestError } from '../src/errors.js';
import {
  chooseDestination,
  decideFault,
  isVirtualService,
  matchRequest,
  parseDuration,
  parseVirtualService,
  type RequestInfo,
  rewritePath,
  shouldMirror,
  splitOf,
  type VirtualService,
  weightsOfRule,
} from '../src/virtual-service.js';

const to = (subset: string, weight?: number) => ({
  destination: { host: 'movie-backend', subset },
  ...(weight === undefined ? {} : { weight }),
});

function vs(http: unknown[], name: unknown = 'movie-backend'): VirtualService {
  return parseVirtualService({
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name },
    spec: { hosts: ['*'], http },
  });
}

const get = (
  path: string,
  headers: RequestInfo['headers'] = {},
  extra: Partial<RequestInfo> = {},
): RequestInfo => ({
  method: 'GET',
  path,
  headers,
  ...extra,
});

/** Whether a VirtualService with one rule matching `match` takes the request. */
function takes(match: unknown, request: RequestInfo): boolean {
  return matchRequest([vs([{ match: [match], route: [to('v1')] }])], request) !== undefined;
}

describe('parseVirtualService errors', () => {
  it('names the VirtualService, each bad field and unknown keys', () => {
    expect(() => vs([{ route: [to('v1')], retry: {} }], 'b')).toThrow(
      new ManifestError('VirtualService b is not supported: spec.http.0: Unrecognized key: "retry" (retry)'),
    );
    expect(() => vs([], 7)).toThrow(/^VirtualService \(unnamed\) is not supported: metadata\.name: /);
    expect(() => parseVirtualService(null)).toThrow(
      /^VirtualService \(unnamed\) is not supported: \(root\): /,
    );
    expect(() => parseVirtualService({ kind: 'VirtualService' })).toThrow(
      /^VirtualService \(unnamed\) is not supported: /,
    );
  });

  it('refuses regexes RE2 cannot run, and ones JavaScript cannot parse', () => {
    const regex = (value: string) => () => vs([{ match: [{ uri: { regex: value } }], route: [to('v1')] }]);
    expect(regex('/a(?=b)')).toThrow(
      new ManifestError(
        'invalid regex "/a(?=b)": it uses a lookaround group, which RE2 (Envoy\'s regex engine) does not support',
      ),
    );
    expect(regex('(?<!a)b')).toThrow(/it uses a lookaround group/);
    expect(regex('(a)\\1')).toThrow(/it uses a backreference/);
    expect(regex('(?<n>a)\\k<n>')).toThrow(/it uses a backreference/);
    expect(regex('a(')).toThrow(/^invalid regex "a\(": /);
    expect(regex('\\(?=x')).not.toThrow();
    expect(regex('a\\\\1')).not.toThrow();
    expect(regex('\\d+')).not.toThrow();
  });
});

describe('isVirtualService', () => {
  it('holds only for an Istio networking VirtualService', () => {
    expect(isVirtualService({ kind: 'VirtualService', apiVersion: 'networking.istio.io/v1' })).toBe(true);
    expect(isVirtualService({ kind: 'VirtualService', apiVersion: 'example.com/networking.istio.io/' })).toBe(
      false,
    );
    expect(isVirtualService({ kind: 'VirtualService', apiVersion: 1 })).toBe(false);
    expect(isVirtualService({ kind: 'VirtualService' })).toBe(false);
    expect(isVirtualService({ kind: 'DestinationRule', apiVersion: 'networking.istio.io/v1' })).toBe(false);
    expect(isVirtualService(null)).toBe(false);
  });
});

describe('matching details', () => {
  it('matches exact and prefix case-sensitively unless ignoreUriCase, and regex as a full match', () => {
    expect(takes({ uri: { exact: '/API' } }, get('/api'))).toBe(false);
    expect(takes({ uri: { exact: '/API' }, ignoreUriCase: true }, get('/api'))).toBe(true);
    expect(takes({ uri: { exact: '/api' }, ignoreUriCase: true }, get('/API'))).toBe(true);
    expect(takes({ uri: { prefix: '/API/' }, ignoreUriCase: true }, get('/api/x'))).toBe(true);
    expect(takes({ uri: { regex: '/API/.*' }, ignoreUriCase: true }, get('/api/x'))).toBe(true);
    expect(takes({ uri: { regex: '/api' } }, get('/api/x'))).toBe(false);
    expect(takes({ uri: { regex: '/(?P<v>v[0-9])' } }, get('/v1'))).toBe(true);
    expect(takes({ uri: { regex: '/a\\.b' } }, get('/axb'))).toBe(false);
  });

  it('compares exact and regex uris without the query string, a prefix with it', () => {
    expect(takes({ uri: { exact: '/api' } }, get('/api?x=1'))).toBe(true);
    expect(takes({ uri: { regex: '/api' } }, get('/api?x=1'))).toBe(true);
    expect(takes({ uri: { prefix: '/api?x' } }, get('/api?x=1'))).toBe(true);
  });

  it('does not let a missing header match an exact, prefix or regex condition', () => {
    expect(takes({ headers: { 'x-a': { exact: '' } } }, get('/'))).toBe(false);
    expect(takes({ headers: { 'x-a': { prefix: '' } } }, get('/'))).toBe(false);
    expect(takes({ headers: { 'x-a': { regex: '.*' } } }, get('/'))).toBe(false);
    expect(takes({ headers: { 'x-a': { regex: '.*' } } }, get('/', { 'x-a': '' }))).toBe(true);
    expect(takes({ withoutHeaders: { 'x-a': { exact: 'y' } } }, get('/'))).toBe(true);
    expect(takes({ withoutHeaders: { 'x-a': { exact: 'y' } } }, get('/', { 'x-a': 'y' }))).toBe(false);
  });

  it('joins repeated cookie headers with "; " and others with ","', () => {
    expect(takes({ headers: { cookie: { exact: 'a=1; b=2' } } }, get('/', { cookie: ['a=1', 'b=2'] }))).toBe(
      true,
    );
    expect(takes({ headers: { 'x-a': { exact: '1,2' } } }, get('/', { 'x-a': ['1', '2'] }))).toBe(true);
    expect(takes({ headers: { 'X-A': { exact: '1' } } }, get('/', { 'x-a': '1' }))).toBe(true);
  });

  it('matches the authority, else the host header', () => {
    expect(takes({ authority: { exact: 'movies.lan' } }, get('/', {}, { authority: 'movies.lan' }))).toBe(
      true,
    );
    expect(takes({ authority: { exact: 'movies.lan' } }, get('/', { host: 'movies.lan' }))).toBe(true);
    expect(takes({ authority: { exact: 'movies.lan' } }, get('/', { host: 'other' }))).toBe(false);
    expect(
      takes({ authority: { exact: 'movies.lan' } }, get('/', { host: 'movies.lan' }, { authority: 'x' })),
    ).toBe(false);
  });

  it('matches methods in any case and query parameters by value', () => {
    expect(takes({ method: { exact: 'POST' } }, get('/', {}, { method: 'post' }))).toBe(true);
    expect(takes({ method: { exact: 'post' } }, get('/', {}, { method: 'POST' }))).toBe(false);
    expect(
      takes({ headers: { 'x-user-type': { exact: 'Premium' } } }, get('/', { 'x-user-type': 'premium' })),
    ).toBe(false);
    expect(takes({ queryParams: { '/x': { exact: '' } } }, get('/x'))).toBe(false);
    expect(takes({ queryParams: { debug: { exact: '1' } } }, get('/?debug=1'))).toBe(true);
    expect(takes({ queryParams: { debug: { exact: '1' } } }, get('/?debug=2'))).toBe(false);
    expect(takes({ queryParams: { debug: { exact: '' } } }, get('/'))).toBe(false);
  });

  it('lets a rule without match blocks, or with an empty list, take every request, in rule order', () => {
    const service = vs([
      { match: [{ uri: { prefix: '/x' } }], route: [to('v1')] },
      { match: [], route: [to('v2')] },
    ]);
    expect(matchRequest([service], get('/y'))?.ruleIndex).toBe(1);
    expect(matchRequest([service], get('/y'))?.match).toBeUndefined();
    expect(matchRequest([service], get('/x'))?.ruleIndex).toBe(0);
  });
});

describe('rewritePath', () => {
  const decide = (rule: unknown, path: string) => {
    const decision = matchRequest([vs([rule])], get(path));
    if (!decision) throw new Error('no match');
    return rewritePath(decision, path);
  };

  it('replaces a matched prefix, keeps the path without rewrite, and keeps the query on an exact rewrite', () => {
    expect(
      decide(
        { match: [{ uri: { prefix: '/api/' } }], rewrite: { uri: '/' }, route: [to('v1')] },
        '/api/movies?x=1',
      ),
    ).toBe('/movies?x=1');
    expect(decide({ match: [{ uri: { prefix: '/api/' } }], route: [to('v1')] }, '/api/movies')).toBe(
      '/api/movies',
    );
    expect(
      decide(
        { match: [{ uri: { exact: '/api' } }], rewrite: { uri: '/root' }, route: [to('v1')] },
        '/api?x=1',
      ),
    ).toBe('/root?x=1');
    expect(
      decide({ match: [{ uri: { exact: '/api' } }], rewrite: { uri: '/root' }, route: [to('v1')] }, '/api'),
    ).toBe('/root');
    expect(decide({ rewrite: { uri: '/all' }, route: [to('v1')] }, '/anything')).toBe('/all');
    expect(
      decide({ match: [{ method: { exact: 'GET' } }], rewrite: { uri: '/m' }, route: [to('v1')] }, '/a?b'),
    ).toBe('/m?b');
    expect(decide({ rewrite: { authority: 'x' }, route: [to('v1')] }, '/keep')).toBe('/keep');
  });
});

describe('draws', () => {
  it('sends everything to a lone destination, and to the first when no weight is set', () => {
    expect(chooseDestination({ route: [to('v1', 0)] }, () => 0.99).destination.subset).toBe('v1');
    expect(chooseDestination({ route: [to('v1', 0), to('v2', 0)] }, () => 0.99).destination.subset).toBe(
      'v1',
    );
    expect(chooseDestination({ route: [to('v1', 0), to('v2', 100)] }, () => 0).destination.subset).toBe('v2');
  });

  it('applies a fault or a mirror when the draw is below its percentage, at 100 % by default', () => {
    const rule = {
      route: [to('v1')],
      fault: { delay: { fixedDelay: '2s', percentage: { value: 50 } }, abort: { httpStatus: 503 } },
    };
    expect(decideFault(rule, () => 0.5)).toEqual({ delayMs: 0, abortStatus: 503 });
    expect(decideFault(rule, () => 0.4999)).toEqual({ delayMs: 2000, abortStatus: 503 });
    expect(decideFault({ route: [to('v1')] }, () => 0)).toEqual({ delayMs: 0, abortStatus: undefined });
    const mirrored = { route: [to('v1')], mirror: { host: 'm' }, mirrorPercentage: { value: 25 } };
    expect(shouldMirror(mirrored, () => 0.25)).toBe(false);
    expect(shouldMirror(mirrored, () => 0.2499)).toBe(true);
    expect(shouldMirror({ route: [to('v1')], mirror: { host: 'm' } }, () => 0.999)).toBe(true);
    expect(shouldMirror({ route: [to('v1')] }, () => 0)).toBe(false);
  });
});

describe('parseDuration', () => {
  it('reads whole and decimal durations in every unit, and refuses anything else', () => {
    expect(['1h', '2m', '1.5s', '250ms', '500us'].map(parseDuration)).toEqual([
      3_600_000, 120_000, 1500, 250, 0.5,
    ]);
    for (const bad of ['x1s', '1s ', '1.s', '1', 's', '-1s']) {
      expect(() => parseDuration(bad), bad).toThrow(
        new ManifestError(`invalid duration ${JSON.stringify(bad)}: use e.g. "3s" or "250ms"`),
      );
    }
  });
});

describe('splitOf and weightsOfRule', () => {
  it('is empty when nothing routes the request, 100 for a lone destination, 0 each without weights', () => {
    expect(splitOf([vs([{ match: [{ uri: { prefix: '/x' } }], route: [to('v1')] }])])).toEqual({});
    expect(weightsOfRule({ route: [to('v1', 0)] })).toEqual({ v1: 100 });
    expect(weightsOfRule({ route: [to('v1', 0), to('v2', 0)] })).toEqual({ v1: 0, v2: 0 });
    expect(weightsOfRule({ route: [to('v1', 1), to('v2', 3)] })).toEqual({ v1: 25, v2: 75 });
  });
});
