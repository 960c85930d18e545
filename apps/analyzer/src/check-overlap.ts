/**
 * Overlap checks: sample requests (fixed paths plus one per match block) run through the shared routing module to
 * find gateway-bound VirtualServices that match the same request, and rules no request can reach.
 */
import {
  type HttpMatch,
  type HttpRoute,
  matchRequest,
  type RequestInfo,
  type VirtualService,
} from '@movies/mesh';
import { describeObject } from '@movies/mesh/manifests';
import { finding, ingressTables, type RouteTable, type RoutingContext, ruleLabel } from './check-routing.js';
import type { Finding } from './findings.js';

const SAMPLE_PATHS = [
  '/',
  '/index.html',
  '/assets/index.js',
  '/movies/42',
  '/healthz',
  '/a',
  '/ap',
  '/api',
  '/apix',
  '/api/',
  '/api/movies?page=2',
  '/api/genres',
  '/api/healthz',
];

/** A request that satisfies one match block (best effort: regexes fall back to the fixed sample paths). */
function requestsFor(match: HttpMatch): RequestInfo[] {
  const headers: Record<string, string> = {};
  for (const [name, condition] of Object.entries(match.headers ?? {})) {
    const value = condition.exact ?? (condition.prefix !== undefined ? `${condition.prefix}x` : undefined);
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  const uri = match.uri;
  const paths =
    uri?.exact !== undefined
      ? [uri.exact]
      : uri?.prefix !== undefined
        ? [uri.prefix, `${uri.prefix}movies`]
        : SAMPLE_PATHS;
  const method = match.method?.exact ?? 'GET';
  return paths.map((path) => ({ method, path, headers }));
}

/** The fixed sample paths, plain and with every header some rule matches on, plus one request per match block. */
export function sampleRequests(virtualServices: readonly VirtualService[]): RequestInfo[] {
  const blocks = virtualServices.flatMap((vs) => vs.spec.http.flatMap((rule) => rule.match ?? []));
  const derived = blocks.flatMap(requestsFor);
  const headerSets = [
    {},
    ...derived.map((request) => request.headers).filter((h) => Object.keys(h).length > 0),
  ];
  const fixed = SAMPLE_PATHS.flatMap((path) =>
    headerSets.map((headers) => ({ method: 'GET', path, headers })),
  );
  const seen = new Set<string>();
  return [...fixed, ...derived].filter((request) => {
    const key = JSON.stringify(request);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function describeRequest(request: RequestInfo): string {
  const headers = Object.entries(request.headers)
    .map(([name, value]) => ` with ${name}: ${String(value)}`)
    .join('');
  return `${request.method} ${request.path}${headers}`;
}

function hostsOverlap(a: readonly string[], b: readonly string[]): string | undefined {
  for (const x of a) for (const y of b) if (x === '*' || y === '*' || x === y) return x === '*' ? y : x;
  return undefined;
}

/**
 * `routes-disjoint`: two Istio VirtualServices bound to the same gateway for overlapping hosts must never match the
 * same request. Istio merges them into one route table in an order it does not promise, so an overlap (a
 * frontend `prefix: /` next to the backend's `/api/`) lets one shadow the other at random. Gateway API routes
 * are exempt: their precedence is specified.
 */
export function checkRoutesDisjoint({ tables }: RoutingContext): Finding[] {
  const findings: Finding[] = [];
  const istio = ingressTables(tables).filter((table) => table.kind === 'VirtualService');
  const samples = sampleRequests(istio.map((table) => table.virtualService));
  for (let i = 0; i < istio.length; i++) {
    for (let j = i + 1; j < istio.length; j++) {
      const a = istio[i] as RouteTable;
      const b = istio[j] as RouteTable;
      const gateway = (a.virtualService.spec.gateways ?? []).find(
        (g) => g !== 'mesh' && (b.virtualService.spec.gateways ?? []).includes(g),
      );
      const host = hostsOverlap(a.virtualService.spec.hosts, b.virtualService.spec.hosts);
      if (!gateway || host === undefined) continue;
      const overlap = samples.find(
        (request) => matchRequest([a.virtualService], request) && matchRequest([b.virtualService], request),
      );
      if (!overlap) continue;
      findings.push(
        finding(
          'routes-disjoint',
          b,
          `matches the same requests as ${describeObject(a.origin)} on gateway ${gateway} for host "${host}" (e.g. ${describeRequest(overlap)}); Istio merges both into one route table in no guaranteed order, so one can shadow the other — make their matches disjoint`,
        ),
      );
    }
  }
  return findings;
}

/**
 * `rule-reachable`: every rule of a VirtualService can be reached. A rule whose requests are all taken by an
 * earlier rule is dead — typically a header condition and a uri condition written as two match blocks (Istio ORs
 * blocks) instead of one block (conditions inside a block AND).
 */
export function checkRulesReachable({ tables }: RoutingContext): Finding[] {
  const findings: Finding[] = [];
  for (const table of tables) {
    const samples = sampleRequests([table.virtualService]);
    table.virtualService.spec.http.forEach((rule, index) => {
      const unreachable = index > 0 ? unreachableRule(table, samples, rule, index) : undefined;
      if (unreachable) findings.push(unreachable);
    });
  }
  return findings;
}

/** The finding for rule `index` when some sample request matches it alone but none reaches it in the table. */
function unreachableRule(
  table: RouteTable,
  samples: readonly RequestInfo[],
  rule: HttpRoute,
  index: number,
): Finding | undefined {
  const rules = table.virtualService.spec.http;
  const alone = { ...table.virtualService, spec: { ...table.virtualService.spec, http: [rule] } };
  const own = samples.filter((request) => matchRequest([alone], request));
  if (own.length === 0) return undefined;
  const decisions = own.map((request) => matchRequest([table.virtualService], request));
  if (decisions.some((decision) => decision?.ruleIndex === index)) return undefined;
  const earlierIndex = decisions[0]?.ruleIndex ?? 0;
  const earlier = decisions[0] ? rules[earlierIndex] : undefined;
  const orHint =
    earlier && (earlier.match?.length ?? 0) > 1
      ? ` ${ruleLabel(earlier, earlierIndex)} has ${earlier.match?.length} match blocks, which Istio ORs; to require a header AND a uri, put both in ONE match block`
      : '';
  return finding(
    'rule-reachable',
    table,
    `${ruleLabel(rule, index)} is never reached: every request it matches (e.g. ${describeRequest(own[0] as RequestInfo)}) is taken by ${earlier ? ruleLabel(earlier, earlierIndex) : 'an earlier route'} first.${orHint}`,
  );
}
