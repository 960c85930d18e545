/**
 * The sticky-session contract on the real renders: which rule a cookie reaches, how pin rules follow the weights
 * (the code's pin rule must equal the one k8s/components/sticky-sessions writes), the cookie jar, and the header
 * operations' Envoy order.
 */
import { VISITOR_COOKIE } from '@movies/contracts/names';
import { seededRandom } from '@movies/contracts/random';
import { describe, expect, it } from 'vitest';
import {
  applyHeaderMutations,
  CookieJar,
  gatewayVirtualServices,
  type HeaderMap,
  type HttpRoute,
  headerMutations,
  matchRequest,
  parseVirtualService,
  pinCookieRegex,
  pinOf,
  type RequestInfo,
  splitOf,
  stickyCookieHeader,
  stickyCookieOf,
  summarizeVisits,
  type VirtualService,
  withWeights,
} from '../src/index.js';
import { renderedObjects } from '../src/testing.js';

async function backend(overlay: string): Promise<VirtualService> {
  const found = gatewayVirtualServices(await renderedObjects(overlay)).find(
    (vs) => vs.metadata.name === 'movie-backend',
  );
  if (!found) throw new Error(`no movie-backend VirtualService in ${overlay}`);
  return found;
}

const ruleNames = (vs: VirtualService | undefined) => vs?.spec.http.map((rule) => rule.name);

function withCookie(
  cookie: string | string[] | undefined,
  headers: Record<string, string> = {},
): RequestInfo {
  return { method: 'GET', path: '/api/movies', headers: { ...headers, ...(cookie ? { cookie } : {}) } };
}

describe('the pin cookie and its regex', () => {
  it.each([
    ['movie-version=v1', 'pin-v1'],
    ['movie-version=v2', 'pin-v2'],
    ['theme=dark; movie-version=v2', 'pin-v2'],
    ['theme=dark;movie-version=v1; lang=en', 'pin-v1'],
    ['movie-version=v1;', 'pin-v1'],
    ['xmovie-version=v1', 'weighted-split'],
    ['movie-version=v22', 'weighted-split'],
    ['movie-version=v1x; other=1', 'weighted-split'],
    ['movie-version=', 'weighted-split'],
    ['movie-version=v3', 'weighted-split'],
    [undefined, 'weighted-split'],
  ])('cookie %j on 80-20 takes rule %s', async (cookie, rule) => {
    expect(matchRequest([await backend('80-20')], withCookie(cookie))?.rule.name).toBe(rule);
  });

  it('joins several cookie headers with "; " before matching, as Envoy does', async () => {
    const vs = await backend('80-20');
    expect(matchRequest([vs], withCookie(['theme=dark', 'movie-version=v2']))?.rule.name).toBe('pin-v2');
  });

  it('keeps the premium rule first under header routing', async () => {
    const vs = await backend('header-routing');
    expect(ruleNames(vs)).toEqual(['premium-users', 'pin-v1', 'pin-v2', 'weighted-split']);
    const premium = withCookie('movie-version=v1', { 'x-user-type': 'premium' });
    expect(matchRequest([vs], premium)?.rule.name).toBe('premium-users');
  });

  it('has a pin rule exactly for each subset with weight, in every split and scenario', async () => {
    const expected: Record<string, string[]> = {
      '100-0': ['pin-v1', 'weighted-split'],
      '80-20': ['pin-v1', 'pin-v2', 'weighted-split'],
      '50-50': ['pin-v1', 'pin-v2', 'weighted-split'],
      '0-100': ['pin-v2', 'weighted-split'],
      'fault-injection': ['pin-v1', 'pin-v2', 'weighted-split'],
      mirroring: ['pin-v1', 'weighted-split'],
      'mtls-strict': ['pin-v1', 'pin-v2', 'weighted-split'],
    };
    for (const [overlay, names] of Object.entries(expected)) {
      expect(ruleNames(await backend(overlay)), overlay).toEqual(names);
    }
  });

  it('pins fault injection and mirroring the same way as the weighted rule', async () => {
    for (const rule of (await backend('fault-injection')).spec.http)
      expect(rule.fault, rule.name).toBeDefined();
    for (const rule of (await backend('mirroring')).spec.http)
      expect(rule.mirror?.subset, rule.name).toBe('v2');
  });

  it('reads the cookie back from the rules: pin value, and the cookie each weighted destination sets', async () => {
    const [pin1, pin2, weighted] = (await backend('80-20')).spec.http as [HttpRoute, HttpRoute, HttpRoute];
    expect(pinOf(pin1)).toEqual({ cookie: VISITOR_COOKIE, value: 'v1' });
    expect(pinOf(pin2)).toEqual({ cookie: VISITOR_COOKIE, value: 'v2' });
    expect(pinOf(weighted)).toBeUndefined();
    expect(stickyCookieOf(weighted)).toBe(VISITOR_COOKIE);
    expect(weighted.route.map((d) => d.headers?.response?.add?.['set-cookie'])).toEqual([
      stickyCookieHeader('v1'),
      stickyCookieHeader('v2'),
    ]);
    expect(pin1.match?.[0]?.headers?.cookie?.regex).toBe(pinCookieRegex('v1'));
  });
});

describe('pin rules follow the weights', () => {
  it('drops the pin of a subset going to 0 and writes back the very rule the component has', async () => {
    const original = await backend('80-20');
    const rollback = withWeights([original], { v1: 100, v2: 0 });
    expect(ruleNames(rollback[0])).toEqual(['pin-v1', 'weighted-split']);
    expect(splitOf(rollback)).toEqual({ v1: 100, v2: 0 });
    const back = withWeights(rollback, { v1: 80, v2: 20 });
    expect(back[0]?.spec.http).toEqual(original.spec.http);

    const promoted = withWeights([original], { v1: 0, v2: 100 });
    expect(ruleNames(promoted[0])).toEqual(['pin-v2', 'weighted-split']);
    expect(withWeights(promoted, { v1: 80, v2: 20 })[0]?.spec.http).toEqual(original.spec.http);
  });

  it('matches the 100-0 and 0-100 renders when shifting the 80-20 split there', async () => {
    const original = await backend('80-20');
    expect(withWeights([original], { v1: 100, v2: 0 })[0]?.spec).toEqual((await backend('100-0')).spec);
    expect(withWeights([original], { v1: 0, v2: 100 })[0]?.spec).toEqual((await backend('0-100')).spec);
  });

  it('gives a pin rule coming back the faults of the weighted rule, and leaves the premium rule alone', async () => {
    const faulty = await backend('fault-injection');
    const back = withWeights(withWeights([faulty], { v1: 0, v2: 100 }), { v1: 50, v2: 50 });
    expect(back[0]?.spec.http.map((rule) => [rule.name, Boolean(rule.fault)])).toEqual([
      ['pin-v1', true],
      ['pin-v2', true],
      ['weighted-split', true],
    ]);
    const premium = await backend('header-routing');
    const shifted = withWeights([premium], { v1: 100, v2: 0 });
    expect(ruleNames(shifted[0])).toEqual(['premium-users', 'pin-v1', 'weighted-split']);
    expect(shifted[0]?.spec.http[0]).toEqual(premium.spec.http[0]);
  });

  it('keeps every destination of the rule, so `v1=100` can be followed by `v1=95 v2=5`', async () => {
    const onlyV1 = withWeights([await backend('80-20')], { v1: 100 });
    expect(splitOf(onlyV1)).toEqual({ v1: 100, v2: 0 });
    const again = withWeights(onlyV1, { v1: 95, v2: 5 });
    expect(splitOf(again)).toEqual({ v1: 95, v2: 5 });
    expect(ruleNames(again[0])).toEqual(['pin-v1', 'pin-v2', 'weighted-split']);
  });

  it('leaves rules without a sticky cookie alone', () => {
    const plain = parseVirtualService({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'plain' },
      spec: {
        hosts: ['*'],
        http: [
          {
            match: [{ uri: { prefix: '/api/' } }],
            route: [
              { destination: { host: 'b', subset: 'v1' }, weight: 50 },
              { destination: { host: 'b', subset: 'v2' }, weight: 50 },
            ],
          },
        ],
      },
    });
    expect(withWeights([plain], { v1: 100, v2: 0 })[0]?.spec.http).toHaveLength(1);
  });
});

describe('regex syntax RE2 lacks is refused, as Istio refuses it', () => {
  it.each([
    ['^(?=.*v1).*$', /lookaround/],
    ['(?<!x)movie', /lookaround/],
    ['(a)\\1', /backreference/],
  ])('%s', (regex, message) => {
    const vs = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'bad-regex' },
      spec: {
        hosts: ['*'],
        http: [{ match: [{ headers: { cookie: { regex } } }], route: [{ destination: { host: 'b' } }] }],
      },
    };
    expect(() => parseVirtualService(vs)).toThrowError(message);
  });

  it('accepts escaped parentheses and named groups', () => {
    const vs = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'ok-regex' },
      spec: {
        hosts: ['*'],
        http: [
          {
            match: [{ headers: { x: { regex: '\\(\\?=(?P<v>a)' } } }],
            route: [{ destination: { host: 'b' } }],
          },
        ],
      },
    };
    expect(() => parseVirtualService(vs)).not.toThrow();
  });
});

describe('header operations in Envoy order', () => {
  const destination = (weight: number, response: object) => ({
    destination: { host: 'b', subset: `s${weight}` },
    weight,
    headers: { response },
  });

  it('removes first, then sets, then appends; an empty value is skipped', () => {
    const only = destination(100, {
      add: { 'x-a': '2', 'x-empty': '' },
      set: { 'x-a': '1' },
      remove: ['x-a', 'X-Gone'],
    });
    const rule: HttpRoute = { route: [only] };
    const headers: HeaderMap = { 'x-a': 'upstream', 'x-gone': 'yes' };
    applyHeaderMutations(headers, headerMutations(rule, only, 'response'));
    expect(headers).toEqual({ 'x-a': ['1', '2'] });
  });

  it('with one destination left, its operations come after the rule’s (its set wins)', () => {
    const picked = destination(100, { set: { 'x-who': 'destination' } });
    const rule: HttpRoute = {
      headers: { response: { set: { 'x-who': 'rule' } } },
      route: [picked, destination(0, { set: { 'x-who': 'never' } })],
    };
    const headers: HeaderMap = {};
    applyHeaderMutations(headers, headerMutations(rule, picked, 'response'));
    expect(headers).toEqual({ 'x-who': 'destination' });
  });

  it('with several weighted destinations, the picked one’s operations come first (the rule’s set wins)', () => {
    const picked = destination(50, { set: { 'x-who': 'destination' }, add: { 'set-cookie': 'c=1' } });
    const rule: HttpRoute = {
      headers: { response: { set: { 'x-who': 'rule' } } },
      route: [picked, destination(50, {})],
    };
    const headers: HeaderMap = { 'set-cookie': ['a=1'] };
    applyHeaderMutations(headers, headerMutations(rule, picked, 'response'));
    expect(headers).toEqual({ 'x-who': 'rule', 'set-cookie': ['a=1', 'c=1'] });
  });
});

describe('visitors', () => {
  it('a cookie jar keeps, replaces and expires cookies', () => {
    const jar = new CookieJar();
    expect(jar.header()).toBeUndefined();
    jar.store([stickyCookieHeader('v2'), 'theme=dark; Path=/']);
    expect(jar.header()).toBe('movie-version=v2; theme=dark');
    jar.store(stickyCookieHeader('v1'));
    expect(jar.get(VISITOR_COOKIE)).toBe('v1');
    jar.store('theme=; Max-Age=0');
    expect(jar.header()).toBe('movie-version=v1');
  });

  it('summarises visits by first version and counts those that switched', () => {
    expect(summarizeVisits([['v1', 'v1'], ['v2', 'v2', 'v2'], ['v1', 'v2'], []])).toEqual({
      visitors: 4,
      byVersion: { v1: 2, v2: 1 },
      switched: 1,
    });
  });

  it('the seeded random source repeats itself and stays in [0, 1)', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const draws = Array.from({ length: 1000 }, () => a());
    expect(draws).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    expect(new Set(draws).size).toBe(1000);
    expect(seededRandom(43)()).not.toBe(seededRandom(42)());
  });
});
