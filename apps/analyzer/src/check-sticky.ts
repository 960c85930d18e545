/**
 * `sticky-pins-match-weights`: the sticky pin rules of a route agree with its weights (packages/mesh/src/sticky-sessions.ts). A pin
 * for a subset at weight 0 strands its visitors on a version that was rolled back (or promoted away); a subset with
 * weight but no pin re-draws its visitors on every request; a cookie that names another version than the
 * destination setting it, or a pin after the weighted rule, breaks the visit the same way.
 */

import {
  cookieSetBy,
  type Destination,
  destinationKey,
  type HttpRoute,
  matchRequest,
  pinOf,
  plainApiRequest,
  type RouteDestination,
  stickyCookieOf,
} from '@movies/mesh';
import { describeObject, serviceForHost } from '@movies/mesh/manifests';
import { type RouteTable, type RoutingContext, ruleLabel } from './check-routing.js';
import type { Finding } from './findings.js';

interface Pin {
  rule: HttpRoute;
  index: number;
  cookie: string;
  value: string;
}

/** What the weighted rule a plain /api/ request takes says about stickiness, for the checks below. */
interface Sticky {
  weighted: HttpRoute;
  where: string;
  ruleIndex: number;
  cookie: string;
  pins: Pin[];
  versionOf: (d: Destination) => string;
  weightOf: (version: string) => number;
}

function problemsOf(table: RouteTable, versionOf: (d: Destination) => string): string[] {
  const rules = table.virtualService.spec.http;
  const decision = matchRequest([table.virtualService], plainApiRequest);
  const weighted = decision?.rule;
  const cookie = weighted ? stickyCookieOf(weighted, versionOf) : undefined;
  const pins = rules.flatMap((rule, index) => {
    const pin = pinOf(rule);
    return pin && (cookie === undefined || pin.cookie === cookie) ? [{ rule, index, ...pin }] : [];
  });
  if (!weighted || decision === undefined || (!cookie && pins.length === 0)) return [];
  const where = ruleLabel(weighted, decision.ruleIndex);
  if (!cookie) {
    return [
      `${pins.map((p) => ruleLabel(p.rule, p.index)).join(', ')} pin visitors by cookie, but ${where}, which new visitors take, sets no cookie naming their version`,
    ];
  }
  const weightOf = (version: string) =>
    weighted.route
      .filter((d) => versionOf(d.destination) === version)
      .reduce((sum, d) => sum + (weighted.route.length === 1 ? 100 : (d.weight ?? 0)), 0);
  const sticky: Sticky = {
    weighted,
    where,
    ruleIndex: decision.ruleIndex,
    cookie,
    pins,
    versionOf,
    weightOf,
  };
  return [
    ...(weighted.route as RouteDestination[]).flatMap((destination) =>
      destinationProblems(sticky, destination),
    ),
    ...pins.flatMap((pin) => pinProblems(sticky, pin)),
  ];
}

/** A weighted destination must set the cookie naming its own version, and have a pin rule before the split. */
function destinationProblems(sticky: Sticky, destination: RouteDestination): string[] {
  const { where, cookie, pins, ruleIndex, versionOf, weightOf } = sticky;
  const problems: string[] = [];
  const version = versionOf(destination.destination);
  const weight = weightOf(version);
  const set = cookieSetBy(destination);
  if ((!set || set.name !== cookie) && weight > 0) {
    problems.push(
      `${where}: destination ${version} sets no ${cookie} cookie, so its visitors are not pinned`,
    );
  } else if (set && set.name === cookie && set.value !== version) {
    problems.push(
      `${where}: destination ${version} sets ${cookie}=${set.value}, which names another version`,
    );
  }
  if (weight > 0 && !pins.some((p) => p.value === version && p.index < ruleIndex)) {
    problems.push(
      `${version} has weight ${weight} in ${where} but no pin rule before it: visitors holding ${cookie}=${version} are re-drawn on every request`,
    );
  }
  return problems;
}

/** A pin rule exists only for a version with weight, routes to that version, and comes before the split. */
function pinProblems({ where, cookie, ruleIndex, versionOf, weightOf }: Sticky, pin: Pin): string[] {
  const problems: string[] = [];
  const label = ruleLabel(pin.rule, pin.index);
  const targets = pin.rule.route.map((d) => versionOf(d.destination));
  if (weightOf(pin.value) === 0) {
    problems.push(
      `${label} pins ${cookie}=${pin.value}, but ${pin.value} has weight 0 in ${where}: remove the pin so those visitors fall through to the weights`,
    );
  }
  if (targets.some((target) => target !== pin.value)) {
    problems.push(`${label} pins ${cookie}=${pin.value} but routes to ${targets.join(', ')}`);
  }
  if (pin.index > ruleIndex) problems.push(`${label} comes after ${where}, so it is never reached`);
  return problems;
}

export function checkStickyPins({ objects, tables }: RoutingContext): Finding[] {
  return tables.flatMap((table) => {
    // Gateway API splits between per-version Services: a Service's `version` selector names its version.
    const versionOf = (destination: Destination) =>
      destination.subset ??
      serviceForHost(objects, destination.host, table.namespace)?.spec.selector?.version ??
      destinationKey(destination);
    return problemsOf(table, versionOf).map((message) => ({
      check: 'sticky-pins-match-weights',
      severity: 'error' as const,
      object: describeObject(table.origin),
      message,
    }));
  });
}
