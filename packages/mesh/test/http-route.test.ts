/** Gateway API HTTPRoutes read as VirtualServices: unit tests on hand-written objects (no kubectl). */
import { describe, expect, it } from 'vitest';
import { ManifestError } from '../src/errors.js';
import { httpRoutesAsVirtualServices, httpRouteToVirtualService, isHttpRoute } from '../src/http-route.js';
import type { Manifest } from '../src/manifests.js';

function httpRoute(spec: Record<string, unknown>, name = 'movie-backend', namespace = 'movies'): Manifest {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name, ...(namespace ? { namespace } : {}) },
    spec,
  };
}

const backend = (name: string, extra: Record<string, unknown> = {}) => ({ name, port: 8080, ...extra });

describe('isHttpRoute', () => {
  it('holds only for a Gateway API HTTPRoute', () => {
    expect(isHttpRoute(httpRoute({}))).toBe(true);
    expect(isHttpRoute({ ...httpRoute({}), apiVersion: 'gateway.networking.k8s.io/v1beta1' })).toBe(true);
    expect(isHttpRoute({ ...httpRoute({}), apiVersion: 'example.com/v1' })).toBe(false);
    expect(isHttpRoute({ kind: 'HTTPRoute' })).toBe(false);
    expect(isHttpRoute({ ...httpRoute({}), kind: 'GRPCRoute' })).toBe(false);
  });
});

describe('httpRouteToVirtualService', () => {
  it('keeps the name, namespace, hostnames and parent Gateways', () => {
    const vs = httpRouteToVirtualService(
      httpRoute({
        hostnames: ['movies.example.com'],
        parentRefs: [{ name: 'gw' }, { name: 'shared', namespace: 'infra' }],
        rules: [{ backendRefs: [backend('movie-backend')] }],
      }),
    );
    expect(vs.metadata).toEqual({ name: 'movie-backend', namespace: 'movies' });
    expect(vs.spec.hosts).toEqual(['movies.example.com']);
    expect(vs.spec.gateways).toEqual(['gw', 'infra/shared']);
  });

  it('defaults to every host, no gateway and no namespace', () => {
    const vs = httpRouteToVirtualService(
      httpRoute({ hostnames: [], rules: [{ backendRefs: [backend('b')] }] }, 'r', ''),
    );
    expect(vs.metadata).toEqual({ name: 'r' });
    expect(vs.spec.hosts).toEqual(['*']);
    expect(vs.spec.gateways).toEqual([]);
  });

  it('reads PathPrefix by whole segments, Exact and RegularExpression as they are, and no path as everything', () => {
    const vs = httpRouteToVirtualService(
      httpRoute({
        rules: [
          { matches: [{ path: { type: 'PathPrefix', value: '/api//' } }], backendRefs: [backend('a')] },
          { matches: [{ path: { value: '/' } }], backendRefs: [backend('b')] },
          { matches: [{ path: { type: 'Exact', value: '/health' } }], backendRefs: [backend('c')] },
          {
            matches: [{ path: { type: 'RegularExpression', value: '/v[0-9]+' } }],
            backendRefs: [backend('d')],
          },
          { matches: [{ method: 'GET' }], backendRefs: [backend('e')] },
        ],
      }),
    );
    const byName = Object.fromEntries(vs.spec.http.map((rule) => [rule.name, rule.match]));
    expect(byName).toEqual({
      'rule-1': [{ uri: { exact: '/api' } }, { uri: { prefix: '/api/' } }],
      'rule-2': [{ uri: { prefix: '/' } }],
      'rule-3': [{ uri: { exact: '/health' } }],
      'rule-4': [{ uri: { regex: '/v[0-9]+' } }],
      'rule-5': [{ uri: { prefix: '/' }, method: { exact: 'GET' } }],
    });
  });

  it('orders rules by Gateway API precedence: Exact, longer path, method, more headers, more query parameters', () => {
    const rule = (match: Record<string, unknown>, to: string) => ({
      matches: [match],
      backendRefs: [backend(to)],
    });
    const header = (name: string) => ({ name, value: 'x' });
    const vs = httpRouteToVirtualService(
      httpRoute({
        rules: [
          rule({ path: { value: '/a' } }, 'plain'),
          rule({ path: { value: '/a' }, queryParams: [header('q')] }, 'query'),
          rule({ path: { value: '/a' }, headers: [header('h1')] }, 'one-header'),
          rule({ path: { value: '/a' }, headers: [header('h1'), header('h2')] }, 'two-headers'),
          rule(
            { path: { value: '/a' }, headers: [header('h1')], queryParams: [header('q')] },
            'header-query',
          ),
          rule({ path: { value: '/a' }, method: 'GET' }, 'method'),
          rule({ path: { value: '/abc' } }, 'longer'),
          rule({ path: { type: 'Exact', value: '/a' } }, 'exact'),
          rule({}, 'no-match'),
        ],
      }),
    );
    expect(vs.spec.http.map((r) => r.route[0]?.destination.host)).toEqual([
      'exact',
      'longer',
      'method',
      'two-headers',
      'header-query',
      'one-header',
      'query',
      'plain',
      'no-match',
    ]);
  });

  it('keeps the written order of rules that rank the same, and names each match of a rule', () => {
    const vs = httpRouteToVirtualService(
      httpRoute({
        rules: [
          { matches: [{ path: { value: '/b' } }], backendRefs: [backend('first')] },
          {
            matches: [{ path: { value: '/c' } }, { path: { value: '/d' }, method: 'POST' }],
            backendRefs: [backend('second')],
          },
        ],
      }),
    );
    expect(vs.spec.http.map((r) => [r.name, r.route[0]?.destination.host])).toEqual([
      ['rule-2.2', 'second'],
      ['rule-1', 'first'],
      ['rule-2.1', 'second'],
    ]);
  });

  it('reads header matches case-insensitively, exact by default or as a regex', () => {
    const vs = httpRouteToVirtualService(
      httpRoute({
        rules: [
          {
            matches: [
              {
                path: { type: 'Exact', value: '/x' },
                headers: [
                  { name: 'X-User-Type', value: 'premium' },
                  { type: 'RegularExpression', name: 'Cookie', value: '.*a=1.*' },
                ],
              },
            ],
            backendRefs: [backend('b')],
          },
        ],
      }),
    );
    expect(vs.spec.http[0]?.match).toEqual([
      {
        uri: { exact: '/x' },
        headers: { 'x-user-type': { exact: 'premium' }, cookie: { regex: '.*a=1.*' } },
      },
    ]);
  });

  it('splits by weight (1 by default) when there are several backends, and gives a lone backend none', () => {
    const vs = httpRouteToVirtualService(
      httpRoute({
        rules: [
          {
            matches: [{ path: { value: '/split' } }],
            backendRefs: [backend('a', { weight: 80 }), backend('b', { namespace: 'other' })],
          },
          { backendRefs: [{ name: 'lone', weight: 5 }] },
        ],
      }),
    );
    expect(vs.spec.http.map((r) => r.route)).toEqual([
      [
        { destination: { host: 'a', port: { number: 8080 } }, weight: 80 },
        { destination: { host: 'b.other', port: { number: 8080 } }, weight: 1 },
      ],
      [{ destination: { host: 'lone' } }],
    ]);
  });

  it('translates URLRewrite and header modifiers on rules and on backends', () => {
    const modifier = {
      set: [{ name: 'X-Set', value: 's' }],
      add: [{ name: 'X-Add', value: 'a' }],
      remove: ['X-Gone'],
    };
    const vs = httpRouteToVirtualService(
      httpRoute({
        rules: [
          {
            matches: [{ path: { value: '/api/' } }],
            filters: [
              {
                type: 'URLRewrite',
                urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } },
              },
              { type: 'RequestHeaderModifier', requestHeaderModifier: modifier },
              { type: 'ResponseHeaderModifier', responseHeaderModifier: { set: [], add: [], remove: [] } },
            ],
            backendRefs: [
              backend('a', {
                filters: [
                  {
                    type: 'ResponseHeaderModifier',
                    responseHeaderModifier: { add: [{ name: 'Set-Cookie', value: 'v=1' }] },
                  },
                ],
              }),
            ],
          },
          {
            matches: [{ path: { value: '/full' } }],
            filters: [
              {
                type: 'URLRewrite',
                urlRewrite: { path: { type: 'ReplaceFullPath', replaceFullPath: '/x' } },
              },
            ],
            backendRefs: [backend('b')],
          },
          {
            matches: [{ path: { value: '/bare' } }],
            filters: [{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch' } } }],
            backendRefs: [backend('c')],
          },
          { matches: [{ path: { value: '/none' } }], backendRefs: [backend('d')] },
        ],
      }),
    );
    const [api, full, bare, none] = vs.spec.http;
    expect(api?.rewrite).toEqual({ uri: '/' });
    expect(api?.headers).toEqual({
      request: { set: { 'x-set': 's' }, add: { 'x-add': 'a' }, remove: ['x-gone'] },
      response: {},
    });
    expect(api?.route[0]?.headers).toEqual({ response: { add: { 'set-cookie': 'v=1' } } });
    expect(full?.rewrite).toEqual({ uri: '/x' });
    expect(bare?.rewrite).toEqual({ uri: '/' });
    expect(none).not.toHaveProperty('rewrite');
    expect(none).not.toHaveProperty('headers');
    expect(none?.route[0]).not.toHaveProperty('headers');
  });

  it('refuses what it does not support, naming the object, rule and filter', () => {
    const refuse = (spec: Record<string, unknown>) => () => httpRouteToVirtualService(httpRoute(spec));
    expect(refuse({ rules: [{ filters: [{ type: 'URLRewrite' }], backendRefs: [backend('a')] }] })).toThrow(
      new ManifestError('HTTPRoute movies/movie-backend: rule 1: filter URLRewrite is not supported'),
    );
    expect(
      refuse({ rules: [{ filters: [{ type: 'RequestMirror' }], backendRefs: [backend('a')] }] }),
    ).toThrow(
      new ManifestError('HTTPRoute movies/movie-backend: rule 1: filter RequestMirror is not supported'),
    );
    expect(refuse({ rules: [{ backendRefs: [backend('a')] }, { matches: [] }] })).toThrow(
      new ManifestError('HTTPRoute movies/movie-backend: rule 2 has no backendRefs'),
    );
    expect(refuse({ rules: [{ backendRefs: [backend('a', { kind: 'ServiceImport' })] }] })).toThrow(
      new ManifestError(
        'HTTPRoute movies/movie-backend: rule 1: backendRef kind ServiceImport is not supported',
      ),
    );
    expect(
      refuse({
        rules: [
          {
            backendRefs: [
              backend('a', {
                filters: [
                  {
                    type: 'URLRewrite',
                    urlRewrite: { path: { type: 'ReplaceFullPath', replaceFullPath: '/' } },
                  },
                ],
              }),
            ],
          },
        ],
      }),
    ).toThrow(
      new ManifestError(
        'HTTPRoute movies/movie-backend: rule 1 backendRef a: filter URLRewrite is not supported',
      ),
    );
    expect(
      httpRouteToVirtualService(httpRoute({ rules: [{ backendRefs: [backend('a', { kind: 'Service' })] }] }))
        .spec.http,
    ).toHaveLength(1);
  });

  it('gives an HTTPRoute without rules or spec no rules', () => {
    const noRules = () => httpRouteToVirtualService({ ...httpRoute({}), spec: undefined });
    expect(noRules).toThrow(/spec\.http/);
    expect(noRules).not.toThrow(/backendRefs/);
  });

  it('reads a modifier filter without its modifier as no operations, and a path without value as /', () => {
    const vs = httpRouteToVirtualService(
      httpRoute({
        rules: [
          {
            matches: [{ path: { type: 'PathPrefix' } }],
            filters: [
              { type: 'RequestHeaderModifier' },
              { type: 'ResponseHeaderModifier', responseHeaderModifier: {} },
            ],
            backendRefs: [backend('a')],
          },
        ],
      }),
    );
    expect(vs.spec.http[0]?.match).toEqual([{ uri: { prefix: '/' } }]);
    expect(vs.spec.http[0]?.headers).toEqual({ request: {}, response: {} });
  });
});

describe('httpRoutesAsVirtualServices', () => {
  const service = (name: string, selector: Record<string, string>): Manifest => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'movies' },
    spec: { selector },
  });
  const destinationRule: Manifest = {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name: 'movie-backend', namespace: 'movies' },
    spec: {
      host: 'movie-backend.movies.svc.cluster.local',
      subsets: [
        { name: 'v1', labels: { version: 'v1' } },
        { name: 'v2', labels: { version: 'v2' } },
      ],
    },
  };

  it('tries the route with the longest path first, and leaves other kinds out', () => {
    const root = httpRoute(
      { rules: [{ matches: [{ path: { value: '/' } }], backendRefs: [backend('ui')] }] },
      'frontend',
    );
    const api = httpRoute(
      { rules: [{ matches: [{ path: { value: '/api/' } }], backendRefs: [backend('api')] }] },
      'backend',
    );
    const bare = httpRoute({ rules: [{ backendRefs: [backend('bare')] }] }, 'bare');
    const none = httpRoute({}, 'none');
    const names = (objects: Manifest[]) => httpRoutesAsVirtualServices(objects).map((vs) => vs.metadata.name);
    expect(names([root, api, service('x', { app: 'x' })])).toEqual(['backend', 'frontend']);
    expect(names([api, root])).toEqual(['backend', 'frontend']);
    expect(() => names([bare, none])).toThrow(ManifestError);
    expect(names([root, bare])).toEqual(['frontend', 'bare']);
    expect(names([bare, root])).toEqual(['frontend', 'bare']);
    const method = httpRoute(
      { rules: [{ matches: [{ method: 'GET' }], backendRefs: [backend('m')] }] },
      'method',
    );
    expect(names([bare, method])).toEqual(['method', 'bare']);
    const typeOnly = httpRoute(
      { rules: [{ matches: [{ path: { type: 'PathPrefix' } }], backendRefs: [backend('t')] }] },
      'type-only',
    );
    expect(names([bare, typeOnly])).toEqual(['type-only', 'bare']);
  });

  it('reads a per-version Service as the DestinationRule subset that selects the same pods', () => {
    const objects = [
      service('movie-backend', { app: 'movie-backend' }),
      service('movie-backend-v1', { app: 'movie-backend', version: 'v1' }),
      service('movie-backend-v2', { version: 'v2', app: 'movie-backend' }),
      service('movie-backend-all', { app: 'movie-backend', version: 'v2', extra: 'x' }),
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'headless' }, spec: {} },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'no-spec' } },
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'movie-backend-v2' },
        spec: { selector: { version: 'v2' } },
      },
      service('solo', { version: 'v9' }),
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'ServiceEntry',
        metadata: { name: 'not-a-rule' },
        spec: { host: 'movie-backend', subsets: [{ name: 'v7', labels: { version: 'v2' } }] },
      },
      { ...destinationRule, spec: { host: 'unknown', subsets: [{ name: 'v9', labels: { version: 'v9' } }] } },
      destinationRule,
      { ...destinationRule, spec: { host: 'unknown', subsets: [{ name: 'v9' }] } },
      { ...destinationRule, spec: { subsets: [{ name: 'v8' }] } },
      { ...destinationRule, spec: { host: 'movie-backend' } },
      httpRoute({
        rules: [
          {
            backendRefs: [
              backend('movie-backend-v1', { weight: 80 }),
              backend('movie-backend-v2.movies', { weight: 10 }),
              backend('movie-backend-all', { weight: 5 }),
              backend('headless', { weight: 5 }),
              backend('solo', { weight: 0 }),
              backend('movie-backend', { weight: 0 }),
            ],
          },
        ],
      }),
    ];
    const [vs] = httpRoutesAsVirtualServices(objects);
    expect(vs?.spec.http[0]?.route.map((d) => [d.destination.host, d.destination.subset, d.weight])).toEqual([
      ['movie-backend', 'v1', 80],
      ['movie-backend', 'v2', 10],
      ['movie-backend-all', undefined, 5],
      ['headless', undefined, 5],
      ['solo', undefined, 0],
      ['movie-backend', undefined, 0],
    ]);
    expect(vs?.spec.http[0]?.route[5]?.destination).toStrictEqual({
      host: 'movie-backend',
      port: { number: 8080 },
    });
  });

  it('keeps a destination that already names a subset', () => {
    const objects = [
      service('movie-backend', { app: 'movie-backend' }),
      service('movie-backend-v1', { app: 'movie-backend', version: 'v1' }),
      destinationRule,
      httpRoute({ rules: [{ backendRefs: [backend('movie-backend-v1')] }] }),
    ];
    const [vs] = httpRoutesAsVirtualServices(objects);
    expect(vs?.spec.http[0]?.route[0]?.destination).toEqual({
      host: 'movie-backend',
      subset: 'v1',
      port: { number: 8080 },
    });
  });
});
