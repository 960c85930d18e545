/**
 * Sticky sessions in plain VirtualService rules, as Flagger's sessionAffinity builds them (k8s/components/
 * sticky-sessions): the weighted rule's destinations answer with `set-cookie: movie-version=<subset>`, and one pin
 * rule per subset with weight, placed before the weighted rule, sends a request whose cookie names that subset
 * there. The cookie's name is part of the contract with the UI, so it comes from @movies/contracts; its regex, how pin
 * rules are recognised and how they follow the weights (a subset at 0 loses its pin, one coming back gets it) live
 * here, so the gateway, the traffic CLI, the cluster scripts and the analyzer cannot disagree.
 */
import { VISITOR_COOKIE } from '@movies/contracts/names';
import {
  type Destination,
  destinationKey,
  type HttpRoute,
  type RouteDestination,
} from './virtual-service.js';

/** Four hours: a visit, not a lifetime. */
export const STICKY_MAX_AGE_SECONDS = 14_400;

const regexSpecial = /[\\^$.*+?()[\]{}|/]/g;
const escapeRegex = (text: string) => text.replace(regexSpecial, '\\$&');
const unescapeRegex = (text: string) => text.replace(/\\(.)/g, '$1');

/**
 * The `cookie` header regex of a pin rule. Envoy full-matches it against the whole header (RE2): other cookies may
 * only come before ours after a `;`, so `xmovie-version=v1` does not match, and the value must end at `;` or the
 * end, so `v11` does not match `v1`.
 */
export function pinCookieRegex(subset: string, cookie = VISITOR_COOKIE): string {
  return `^(.*?;\\s*)?${escapeRegex(cookie)}=${escapeRegex(subset)}(;.*)?$`;
}

const pinRegexShape = /^\^\(\.\*\?;\\s\*\)\?((?:\\.|[^=\\])+)=((?:\\.|[^\\(])+)\(;\.\*\)\?\$$/;

/** The Set-Cookie value a destination of `subset` answers with. */
export function stickyCookieHeader(
  subset: string,
  cookie = VISITOR_COOKIE,
  maxAgeSeconds = STICKY_MAX_AGE_SECONDS,
): string {
  return `${cookie}=${subset}; Path=/; Max-Age=${maxAgeSeconds}; SameSite=Lax`;
}

/** The cookie name and value a rule pins on: every match block requires `cookie` to match pinCookieRegex. */
export function pinOf(rule: HttpRoute): { cookie: string; value: string } | undefined {
  // Stryker disable next-line ArrayDeclaration: a stand-in block has no cookie regex, so the rule is no pin either way
  const blocks = rule.match ?? [];
  // Stryker disable next-line ConditionalExpression: with no block the loop finds no pin and returns undefined anyway
  if (blocks.length === 0) return undefined;
  let pin: { cookie: string; value: string } | undefined;
  for (const block of blocks) {
    const regex = block.headers?.cookie?.regex;
    // Stryker disable next-line ConditionalExpression: exec(undefined) tests the text 'undefined', which has no pin shape
    const found = regex === undefined ? null : pinRegexShape.exec(regex);
    if (!found) return undefined;
    const current = { cookie: unescapeRegex(found[1] as string), value: unescapeRegex(found[2] as string) };
    if (pin && (pin.cookie !== current.cookie || pin.value !== current.value)) return undefined;
    pin = current;
  }
  return pin;
}

/** The first name=value pair of a Set-Cookie header value. */
export function parseSetCookie(header: string): { name: string; value: string; maxAge: number | undefined } {
  // Stryker disable next-line StringLiteral: split always returns at least one element, so the default is never used
  const [pair = '', ...attributes] = header.split(';');
  const eq = pair.indexOf('=');
  const maxAge = attributes
    .map((attribute) => /^\s*max-age\s*=\s*(-?\d+)\s*$/i.exec(attribute)?.[1])
    .find((value) => value !== undefined);
  return {
    name: (eq === -1 ? '' : pair.slice(0, eq)).trim(),
    // Stryker disable next-line ConditionalExpression: with eq = -1, pair.slice(eq + 1) is pair itself
    value: (eq === -1 ? pair : pair.slice(eq + 1)).trim(),
    maxAge: maxAge === undefined ? undefined : Number(maxAge),
  };
}

/** The cookie a destination sets on its answers (headers.response set or add of set-cookie), if any. */
export function cookieSetBy(destination: RouteDestination): { name: string; value: string } | undefined {
  const response = destination.headers?.response;
  for (const operations of [response?.set, response?.add]) {
    for (const [name, value] of Object.entries(operations ?? {})) {
      if (name.toLowerCase() !== 'set-cookie') continue;
      const cookie = parseSetCookie(value);
      if (cookie.name) return { name: cookie.name, value: cookie.value };
    }
  }
  return undefined;
}

export type VersionOf = (destination: Destination) => string;

/** The sticky cookie of a weighted rule: the one its destinations set to their own version; undefined if none. */
export function stickyCookieOf(rule: HttpRoute, versionOf: VersionOf = destinationKey): string | undefined {
  for (const destination of rule.route) {
    const cookie = cookieSetBy(destination);
    if (cookie && cookie.value === versionOf(destination.destination)) return cookie.name;
  }
  return undefined;
}

/** Subsets the weighted rule sends traffic to, in route order (a lone destination always takes traffic). */
export function subsetsWithWeight(rule: HttpRoute): string[] {
  return rule.route
    .filter((d) => rule.route.length === 1 || (d.weight ?? 0) > 0)
    .flatMap((d) => (d.destination.subset === undefined ? [] : [d.destination.subset]));
}

/** A pin rule for one destination of the weighted rule: the same rule, with the cookie condition, to one place. */
export function pinRuleFor(weighted: HttpRoute, destination: Destination, cookie: string): HttpRoute {
  const { name: _name, match, route: _route, ...rest } = weighted;
  const subset = destination.subset ?? destinationKey(destination);
  return {
    name: `pin-${subset}`,
    match: (match?.length ? match : [{}]).map((block) => ({
      ...block,
      headers: { ...block.headers, cookie: { regex: pinCookieRegex(subset, cookie) } },
    })),
    ...rest,
    route: [{ destination }],
  };
}

export interface PinPlan {
  http: HttpRoute[];
  /** Indexes (in the rules given) of the pin rules removed. */
  removed: number[];
  /** Indexes (in the resulting rules) of the pin rules added. */
  added: number[];
  /** Index of the weighted rule in the resulting rules. */
  weightedIndex: number;
}

/**
 * Brings the pin rules in line with the weighted rule at `weightedIndex`: a pin rule for every subset with weight,
 * none for a subset without. Existing pins stay as they are; a new one goes before the weighted rule, among the
 * pins in route order. Rules of a non-sticky weighted rule (no destination sets a cookie) are returned unchanged.
 */
export function reconcilePins(http: readonly HttpRoute[], weightedIndex: number): PinPlan {
  const weighted = http[weightedIndex] as HttpRoute;
  const cookie = stickyCookieOf(weighted);
  const unchanged = { http: [...http], removed: [], added: [], weightedIndex };
  if (!cookie) return unchanged;
  const active = subsetsWithWeight(weighted);
  const removed = http.flatMap((rule, index) => {
    const pin = pinOf(rule);
    return pin && pin.cookie === cookie && !active.includes(pin.value) ? [index] : [];
  });
  const rules = http.filter((_, index) => !removed.includes(index));
  let weightedAt = rules.indexOf(weighted);
  const added: number[] = [];
  const pinnedAt = (subset: string) =>
    // Stryker disable next-line OptionalChaining: the second pinOf runs only when the first found a pin
    rules.findIndex((rule) => pinOf(rule)?.cookie === cookie && pinOf(rule)?.value === subset);
  active.forEach((subset, order) => {
    if (pinnedAt(subset) !== -1) return;
    const later = active
      .slice(order + 1)
      .map(pinnedAt)
      .filter((index) => index !== -1 && index < weightedAt);
    const at = later.length > 0 ? Math.min(...later) : weightedAt;
    const destination = weighted.route.find((d) => d.destination.subset === subset) as RouteDestination;
    rules.splice(at, 0, pinRuleFor(weighted, destination.destination, cookie));
    // Stryker disable next-line ConditionalExpression,EqualityOperator: new pins are placed in increasing order (before pins of later subsets only), so no earlier one ever shifts
    for (let i = 0; i < added.length; i++)
      // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator: as above, never reached with added[i] >= at
      if ((added[i] as number) >= at) added[i] = (added[i] as number) + 1;
    added.push(at);
    weightedAt++;
  });
  // Stryker disable next-line MethodExpression,ArrowFunction,ArithmeticOperator: added is already in increasing order (see above)
  return { http: rules, removed, added: added.sort((a, b) => a - b), weightedIndex: weightedAt };
}

/** A visitor's cookies, kept from Set-Cookie answers and sent back in a `cookie` header (paths are all `/`). */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  /** Keeps the cookies of Set-Cookie header values; Max-Age of 0 or less deletes one. */
  store(setCookie: string | readonly string[] | undefined): void {
    // Stryker disable next-line ArrayDeclaration: a stand-in header has no name=value pair and is skipped
    for (const header of typeof setCookie === 'string' ? [setCookie] : (setCookie ?? [])) {
      const { name, value, maxAge } = parseSetCookie(header);
      if (!name) continue;
      // Stryker disable next-line ConditionalExpression: undefined <= 0 is false, so the first test only documents intent
      if (maxAge !== undefined && maxAge <= 0) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  /** The `cookie` request header, or undefined while the jar is empty. */
  header(): string | undefined {
    if (this.cookies.size === 0) return undefined;
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

export interface VisitsSummary {
  visitors: number;
  /** Visitors by the version of their first versioned answer. */
  byVersion: Record<string, number>;
  /** Visitors whose answers came from more than one version. */
  switched: number;
}

/** Summarises visits, each the list of versions that answered one visitor, in order. */
export function summarizeVisits(visits: ReadonlyArray<readonly string[]>): VisitsSummary {
  const byVersion: Record<string, number> = {};
  let switched = 0;
  for (const versions of visits) {
    const first = versions[0];
    if (first !== undefined) byVersion[first] = (byVersion[first] ?? 0) + 1;
    if (new Set(versions).size > 1) switched++;
  }
  return { visitors: visits.length, byVersion, switched };
}
