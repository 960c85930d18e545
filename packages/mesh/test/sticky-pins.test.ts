/**
 * The sticky-session helpers as unit tests on hand-written rules (no kubectl): the pin regex, reading pins and
 * cookies back, placing and dropping pin rules, the cookie jar and the visit summary.
 * sticky-sessions.test.ts checks the same contract on the real renders.
 */
import { describe, expect, it } from 'vitest';
import {
  CookieJar,
  cookieSetBy,
  type PinPlan,
  parseSetCookie,
  pinCookieRegex,
  pinOf,
  pinRuleFor,
  reconcilePins,
  STICKY_MAX_AGE_SECONDS,
  stickyCookieHeader,
  stickyCookieOf,
  subsetsWithWeight,
  summarizeVisits,
} from '../src/sticky-sessions.js';
import type { HttpRoute, RouteDestination } from '../src/virtual-service.js';

const setCookie = (value: string) => ({ response: { add: { 'set-cookie': value } } });

function to(subset: string, weight?: number, cookie = `movie-version=${subset}; Path=/`): RouteDestination {
  return {
    destination: { host: 'movie-backend', subset },
    ...(weight === undefined ? {} : { weight }),
    headers: setCookie(cookie),
  };
}

function weighted(...route: RouteDestination[]): HttpRoute {
  return { name: 'weighted', match: [{ uri: { prefix: '/api/' } }], route };
}

const names = (plan: PinPlan) => plan.http.map((rule) => rule.name);

describe('the pin regex', () => {
  it('full-matches the cookie header with the cookie anywhere after a ;', () => {
    expect(pinCookieRegex('v1')).toBe('^(.*?;\\s*)?movie-version=v1(;.*)?$');
    const regex = new RegExp(pinCookieRegex('v1'));
    expect(
      ['movie-version=v1', 'a=1; movie-version=v1', 'a=1;movie-version=v1; b=2'].every((c) => regex.test(c)),
    ).toBe(true);
    expect(['xmovie-version=v1', 'movie-version=v11', 'movie-version=v'].some((c) => regex.test(c))).toBe(
      false,
    );
  });

  it('escapes regex characters in the cookie name and value', () => {
    expect(pinCookieRegex('v1.2+', 'a(b)')).toBe('^(.*?;\\s*)?a\\(b\\)=v1\\.2\\+(;.*)?$');
    expect(new RegExp(pinCookieRegex('v1.2', 'c')).test('c=v1x2')).toBe(false);
  });

  it('reads a pin back from every match block, escapes undone', () => {
    const block = (subset: string, cookie?: string) => ({
      headers: { cookie: { regex: pinCookieRegex(subset, cookie) } },
    });
    expect(pinOf({ match: [block('v1.2', 'a(b)')], route: [] })).toEqual({ cookie: 'a(b)', value: 'v1.2' });
    expect(pinOf({ match: [block('v1'), { ...block('v1'), uri: { prefix: '/api/' } }], route: [] })).toEqual({
      cookie: 'movie-version',
      value: 'v1',
    });
    expect(pinOf({ match: [block('v1'), block('v2')], route: [] })).toBeUndefined();
    expect(pinOf({ match: [block('v1'), block('v1', 'other')], route: [] })).toBeUndefined();
    expect(pinOf({ match: [block('v1'), { uri: { prefix: '/' } }], route: [] })).toBeUndefined();
    expect(pinOf({ match: [{ headers: { 'x-a': { exact: '1' } } }], route: [] })).toBeUndefined();
    const regex = pinCookieRegex('v1');
    expect(pinOf({ match: [{ headers: { cookie: { regex: `x${regex}` } } }], route: [] })).toBeUndefined();
    expect(pinOf({ match: [{ headers: { cookie: { regex: `${regex}x` } } }], route: [] })).toBeUndefined();
    expect(
      pinOf({ match: [{ headers: { cookie: { regex: 'movie-version=v1' } } }], route: [] }),
    ).toBeUndefined();
    expect(pinOf({ match: [], route: [] })).toBeUndefined();
    expect(pinOf({ route: [] })).toBeUndefined();
  });
});

describe('Set-Cookie', () => {
  it('is written with the path, a four-hour Max-Age and SameSite=Lax', () => {
    expect(STICKY_MAX_AGE_SECONDS).toBe(14_400);
    expect(stickyCookieHeader('v2')).toBe('movie-version=v2; Path=/; Max-Age=14400; SameSite=Lax');
    expect(stickyCookieHeader('v2', 'c', 5)).toBe('c=v2; Path=/; Max-Age=5; SameSite=Lax');
  });

  it('is read as its first pair and its Max-Age', () => {
    expect(parseSetCookie(' a = b ; Path=/; max-age = -3 ; Max-Age=9')).toEqual({
      name: 'a',
      value: 'b',
      maxAge: -3,
    });
    expect(parseSetCookie('a=b=c; MAX-AGE=10')).toEqual({ name: 'a', value: 'b=c', maxAge: 10 });
    expect(parseSetCookie('flag; Max-Age=1x')).toEqual({ name: '', value: 'flag', maxAge: undefined });
    expect(parseSetCookie('a=b; Max-Age=')).toEqual({ name: 'a', value: 'b', maxAge: undefined });
    expect(parseSetCookie('a=b;Max-Age=5')).toEqual({ name: 'a', value: 'b', maxAge: 5 });
    expect(parseSetCookie('a=b; x-max-age=5')).toEqual({ name: 'a', value: 'b', maxAge: undefined });
    expect(parseSetCookie('')).toEqual({ name: '', value: '', maxAge: undefined });
  });

  it('is found on a destination’s response set or add, in any case, skipping one without a name', () => {
    const dest = (response: Record<string, Record<string, string>>) => ({
      destination: { host: 'h' },
      headers: { response },
    });
    expect(cookieSetBy(dest({ set: { 'Set-Cookie': 'a=1' } }))).toEqual({ name: 'a', value: '1' });
    expect(
      cookieSetBy(dest({ set: { 'set-cookie': 'novalue' }, add: { 'x-other': 'b=2', 'SET-COOKIE': 'b=2' } })),
    ).toEqual({
      name: 'b',
      value: '2',
    });
    expect(cookieSetBy(dest({ add: { 'x-set-cookie': 'a=1' } }))).toBeUndefined();
    expect(cookieSetBy({ destination: { host: 'h' } })).toBeUndefined();
  });
});

describe('the sticky cookie of a rule', () => {
  it('is the cookie a destination sets to its own version', () => {
    expect(stickyCookieOf(weighted(to('v1', 50), to('v2', 50)))).toBe('movie-version');
    expect(stickyCookieOf(weighted(to('v1', 50, 'movie-version=v2'), to('v2', 50, 'other=v2')))).toBe(
      'other',
    );
    expect(stickyCookieOf(weighted(to('v1', 100, 'movie-version=v2')))).toBeUndefined();
    expect(
      stickyCookieOf(weighted({ destination: { host: 'movie-backend', subset: 'v1' } })),
    ).toBeUndefined();
    expect(
      stickyCookieOf(weighted(to('v1', 100, 'movie-version=V1')), (d) => String(d.subset).toUpperCase()),
    ).toBe('movie-version');
  });

  it('pins the subsets with weight, or a lone destination', () => {
    expect(subsetsWithWeight(weighted(to('v1', 0), to('v2', 100), to('v3')))).toEqual(['v2']);
    expect(subsetsWithWeight(weighted(to('v1', 0)))).toEqual(['v1']);
    expect(subsetsWithWeight(weighted({ destination: { host: 'a' }, weight: 50 }, to('v2', 50)))).toEqual([
      'v2',
    ]);
  });
});

describe('pinRuleFor', () => {
  it('copies the weighted rule with the cookie condition on every match block, to one destination', () => {
    const rule: HttpRoute = {
      name: 'weighted',
      match: [{ uri: { prefix: '/api/' }, headers: { 'x-a': { exact: '1' } } }, { uri: { exact: '/api' } }],
      route: [to('v1', 80), to('v2', 20)],
      timeout: '5s',
    };
    const pin = pinRuleFor(rule, { host: 'movie-backend', subset: 'v2' }, 'movie-version');
    const regex = { regex: pinCookieRegex('v2') };
    expect(pin).toStrictEqual({
      name: 'pin-v2',
      match: [
        { uri: { prefix: '/api/' }, headers: { 'x-a': { exact: '1' }, cookie: regex } },
        { uri: { exact: '/api' }, headers: { cookie: regex } },
      ],
      timeout: '5s',
      route: [{ destination: { host: 'movie-backend', subset: 'v2' } }],
    });
  });

  it('matches everything when the weighted rule has no match, and names a subsetless destination by host', () => {
    const pin = pinRuleFor({ route: [to('v1')] }, { host: 'movie-backend.movies' }, 'c');
    expect(pin.name).toBe('pin-movie-backend');
    expect(pin.match).toEqual([{ headers: { cookie: { regex: pinCookieRegex('movie-backend', 'c') } } }]);
    expect(pinRuleFor({ match: [], route: [to('v1')] }, { host: 'h', subset: 'v1' }, 'c').match).toHaveLength(
      1,
    );
  });
});

describe('reconcilePins', () => {
  it('leaves the rules of a non-sticky weighted rule unchanged', () => {
    const plain: HttpRoute = {
      name: 'weighted',
      route: [{ destination: { host: 'h', subset: 'v1' }, weight: 100 }],
    };
    const rules = [plain];
    const plan = reconcilePins(rules, 0);
    expect(plan).toStrictEqual({ http: [plain], removed: [], added: [], weightedIndex: 0 });
    expect(plan.http).not.toBe(rules);
  });

  it('adds two missing pins before the weighted rule, in route order', () => {
    const premium: HttpRoute = { name: 'premium', route: [to('v2')] };
    const plan = reconcilePins([premium, weighted(to('v1', 50), to('v2', 50))], 1);
    expect(names(plan)).toEqual(['premium', 'pin-v1', 'pin-v2', 'weighted']);
    expect(plan.added).toEqual([1, 2]);
    expect(plan.removed).toEqual([]);
    expect(plan.weightedIndex).toBe(3);
    expect(plan.http[1]?.route).toEqual([{ destination: { host: 'movie-backend', subset: 'v1' } }]);
  });

  it('puts a new pin before the existing pins of later subsets', () => {
    const rule = weighted(to('v1', 40), to('v2', 30), to('v3', 30));
    const pinV3 = pinRuleFor(rule, { host: 'movie-backend', subset: 'v3' }, 'movie-version');
    const plan = reconcilePins([pinV3, rule], 1);
    expect(names(plan)).toEqual(['pin-v1', 'pin-v2', 'pin-v3', 'weighted']);
    expect(plan.added).toEqual([0, 1]);
    expect(plan.weightedIndex).toBe(3);
    const pinV2 = pinRuleFor(rule, { host: 'movie-backend', subset: 'v2' }, 'movie-version');
    const middle = reconcilePins([pinV2, rule], 1);
    expect(names(middle)).toEqual(['pin-v1', 'pin-v2', 'pin-v3', 'weighted']);
    expect(middle.added).toEqual([0, 2]);
  });

  it('puts a new pin before the first existing pin of a later subset', () => {
    const rule = weighted(to('v1', 40), to('v2', 30), to('v3', 30));
    const pin = (subset: string) => pinRuleFor(rule, { host: 'movie-backend', subset }, 'movie-version');
    const plan = reconcilePins([pin('v2'), pin('v3'), rule], 2);
    expect(names(plan)).toEqual(['pin-v1', 'pin-v2', 'pin-v3', 'weighted']);
  });

  it('does not count another cookie’s pin as the sticky cookie’s', () => {
    const rule = weighted(to('v1', 100));
    const other = pinRuleFor(rule, { host: 'movie-backend', subset: 'v1' }, 'other');
    const plan = reconcilePins([other, rule], 1);
    expect(names(plan)).toEqual(['pin-v1', 'pin-v1', 'weighted']);
    expect(pinOf(plan.http[1] as HttpRoute)).toEqual({ cookie: 'movie-version', value: 'v1' });
  });

  it('drops the pins of subsets at 0 and of subsets gone, keeping other cookies’ pins and the rest', () => {
    const rule = weighted(to('v1', 100), to('v2', 0));
    const pin = (subset: string, cookie = 'movie-version') =>
      pinRuleFor(rule, { host: 'movie-backend', subset }, cookie);
    const plan = reconcilePins([pin('v2'), pin('v1'), pin('v3'), pin('v2', 'other'), rule], 4);
    expect(names(plan)).toEqual(['pin-v1', 'pin-v2', 'weighted']);
    expect(plan.http[1]).toEqual(pin('v2', 'other'));
    expect(plan.removed).toEqual([0, 2]);
    expect(plan.added).toEqual([]);
    expect(plan.weightedIndex).toBe(2);
  });

  it('keeps existing pins as they are, even after the weighted rule', () => {
    const rule = weighted(to('v1', 50), to('v2', 50));
    const late = pinRuleFor(rule, { host: 'movie-backend', subset: 'v2' }, 'movie-version');
    const plan = reconcilePins([rule, late], 0);
    expect(names(plan)).toEqual(['pin-v1', 'weighted', 'pin-v2']);
    expect(plan.added).toEqual([0]);
    expect(plan.weightedIndex).toBe(1);
  });
});

describe('CookieJar', () => {
  it('keeps, replaces and deletes cookies, and sends them in one header', () => {
    const jar = new CookieJar();
    expect(jar.header()).toBeUndefined();
    jar.store(undefined);
    jar.store('a=1; Path=/');
    jar.store(['b=2', 'novalue', 'a=3']);
    expect(jar.header()).toBe('a=3; b=2');
    expect(jar.get('a')).toBe('3');
    jar.store('b=; Max-Age=0');
    jar.store('a=4; Max-Age=-1');
    jar.store('c=5; Max-Age=1');
    expect(jar.header()).toBe('c=5');
    expect(jar.get('b')).toBeUndefined();
  });
});

describe('summarizeVisits', () => {
  it('counts visitors by their first version and those that switched', () => {
    expect(summarizeVisits([['v1', 'v1'], ['v2'], ['v1', 'v2', 'v1'], [], ['v2', 'v2']])).toEqual({
      visitors: 5,
      byVersion: { v1: 2, v2: 2 },
      switched: 1,
    });
    expect(summarizeVisits([])).toEqual({ visitors: 0, byVersion: {}, switched: 0 });
  });
});
