/**
 * Routing checks in the spirit of `istioctl analyze`. Every VirtualService is read through the one VirtualService
 * module (../virtual-service.ts); HTTPRoutes are first turned into VirtualServices by ./http-route.ts.
 */
import {
  type HttpMatch,
  type HttpRoute,
  isVirtualService,
  matchRequest,
  parseVirtualService,
  plainApiRequest,
  type RequestInfo,
  type RouteDestination,
  splitOf,
  type VirtualService,
} from '../virtual-service.js';
import type { Finding } from './findings.js';
import { httpRouteToVirtualService, isHttpRoute } from './http-route.js';
import {
  type DestinationRule,
  deploymentsSelectedBy,
  describeObject,
  destinationRules,
  formatLabels,
  type Manifest,
  metadataOf,
  ofKind,
  serviceForHost,
} from './manifests.js';

/** A VirtualService together with the object it came from (a VirtualService or an HTTPRoute). */
export interface RouteTable {
  origin: Manifest;
  name: string;
  namespace: string | undefined;
  kind: 'VirtualService' | 'HTTPRoute';
  virtualService: VirtualService;
}

export interface RoutingContext {
  objects: readonly Manifest[];
  tables: RouteTable[];
  /** The split the overlay's name promises, e.g. { v1: 80, v2: 20 }; undefined when not known. */
  expectedSplit: Record<string, number> | undefined;
  overlay: string | undefined;
  /** Route objects the routing module could not read (already reported); the split cannot be judged then. */
  unreadable: number;
}

function isRouteTable(value: RouteTable | Manifest): value is RouteTable {
  return 'virtualService' in value && 'origin' in value;
}

function finding(check: string, table: RouteTable | Manifest, message: string): Finding {
  const object = describeObject(isRouteTable(table) ? table.origin : table);
  return { check, severity: 'error', object, message };
}

/** `virtual-service-supported`: parses every VirtualService and HTTPRoute; those that fail are reported here. */
export function loadRouteTables(objects: readonly Manifest[]): { tables: RouteTable[]; findings: Finding[] } {
  const tables: RouteTable[] = [];
  const findings: Finding[] = [];
  for (const object of objects) {
    const vs = isVirtualService(object);
    if (!vs && !isHttpRoute(object)) continue;
    const { name, namespace } = metadataOf(object);
    try {
      const virtualService = vs ? parseVirtualService(object) : httpRouteToVirtualService(object);
      tables.push({
        origin: object,
        name,
        namespace,
        kind: vs ? 'VirtualService' : 'HTTPRoute',
        virtualService,
      });
    } catch (error) {
      findings.push(
        finding(
          'virtual-service-supported',
          object,
          `cannot be read by the local gateway and the traffic tools: ${(error as Error).message}`,
        ),
      );
    }
  }
  return { tables, findings };
}

function ruleLabel(rule: HttpRoute, index: number): string {
  return `route ${index + 1}${rule.name ? ` (${rule.name})` : ''}`;
}

function destinationsOf(
  rule: HttpRoute,
): Array<{ role: string; destination: RouteDestination['destination'] }> {
  return [
    ...rule.route.map((d) => ({ role: 'destination', destination: d.destination })),
    ...(rule.mirror ? [{ role: 'mirror', destination: rule.mirror }] : []),
  ];
}

function destinationRuleFor(
  objects: readonly Manifest[],
  host: string,
  namespace: string | undefined,
): DestinationRule | undefined {
  const service = serviceForHost(objects, host, namespace);
  return destinationRules(objects).find((rule) => {
    const target = serviceForHost(objects, rule.spec.host, rule.metadata.namespace);
    return target !== undefined && target === service;
  });
}

/** `subset-defined`: each destination (and mirror) subset is declared in the host's DestinationRule. */
export function checkSubsetsDefined({ objects, tables }: RoutingContext): Finding[] {
  const findings: Finding[] = [];
  for (const table of tables) {
    table.virtualService.spec.http.forEach((rule, index) => {
      for (const { role, destination } of destinationsOf(rule)) {
        if (!destination.subset) continue;
        const where = `${ruleLabel(rule, index)} ${role} subset "${destination.subset}"`;
        const destinationRule = destinationRuleFor(objects, destination.host, table.namespace);
        if (!destinationRule) {
          findings.push(
            finding(
              'subset-defined',
              table,
              `${where} needs a DestinationRule for host ${destination.host}, and there is none`,
            ),
          );
          continue;
        }
        const subsets = (destinationRule.spec.subsets ?? []).map((subset) => subset.name);
        if (!subsets.includes(destination.subset)) {
          findings.push(
            finding(
              'subset-defined',
              table,
              `${where} is not defined in DestinationRule ${destinationRule.metadata.name} (has ${subsets.join(', ') || 'no subsets'})`,
            ),
          );
        }
      }
    });
  }
  return findings;
}

/** `destination-host`: each destination host is a Service of the namespace, and its port is one of the Service's. */
export function checkDestinationHosts({ objects, tables }: RoutingContext): Finding[] {
  const findings: Finding[] = [];
  const serviceNames = (namespace: string | undefined) =>
    ofKind<Manifest>(objects, 'Service', '')
      .filter((service) => metadataOf(service).namespace === namespace)
      .map((service) => metadataOf(service).name)
      .join(', ');
  for (const table of tables) {
    table.virtualService.spec.http.forEach((rule, index) => {
      for (const { role, destination } of destinationsOf(rule)) {
        const service = serviceForHost(objects, destination.host, table.namespace);
        const where = `${ruleLabel(rule, index)} ${role} host "${destination.host}"`;
        if (!service) {
          findings.push(
            finding(
              'destination-host',
              table,
              `${where} is not a Service in namespace ${table.namespace ?? '(none)'} (Services: ${serviceNames(table.namespace) || 'none'})`,
            ),
          );
          continue;
        }
        const port = destination.port?.number;
        const ports = (service.spec.ports ?? []).map((p) => p.port);
        if (port !== undefined && !ports.includes(port)) {
          findings.push(
            finding(
              'destination-host',
              table,
              `${where} uses port ${port}, which Service ${service.metadata.name} does not expose (ports: ${ports.join(', ')})`,
            ),
          );
        }
      }
    });
  }
  return findings;
}

/** `subset-selects-one-deployment`: each subset's labels, with its Service's selector, pick exactly one Deployment. */
export function checkSubsetSelection({ objects }: RoutingContext): Finding[] {
  const findings: Finding[] = [];
  for (const destinationRule of destinationRules(objects)) {
    const namespace = destinationRule.metadata.namespace;
    const service = serviceForHost(objects, destinationRule.spec.host, namespace);
    for (const subset of destinationRule.spec.subsets ?? []) {
      const selector = { ...(service?.spec.selector ?? {}), ...(subset.labels ?? {}) };
      const selected = deploymentsSelectedBy(objects, namespace, selector);
      if (selected.length === 1) continue;
      const names = selected.map((deployment) => deployment.metadata.name).join(', ');
      const message =
        selected.length === 0
          ? `subset "${subset.name}" (${formatLabels(selector)}) selects no Deployment's pods, so traffic sent to it fails with 503 "no healthy upstream"`
          : `subset "${subset.name}" (${formatLabels(selector)}) selects the pods of ${selected.length} Deployments (${names}): a subset must pick exactly one version`;
      findings.push(
        finding('subset-selects-one-deployment', destinationRule as unknown as Manifest, message),
      );
    }
  }
  return findings;
}

/** `gateway-exists`: every gateway a route binds to exists (Istio Gateway, or Gateway API Gateway for HTTPRoutes). */
export function checkGatewaysExist({ objects, tables }: RoutingContext): Finding[] {
  const findings: Finding[] = [];
  for (const table of tables) {
    const group = table.kind === 'HTTPRoute' ? 'gateway.networking.k8s.io' : 'networking.istio.io';
    const gateways = ofKind<Manifest>(objects, 'Gateway', group).map((gateway) => metadataOf(gateway));
    for (const reference of table.virtualService.spec.gateways ?? []) {
      if (reference === 'mesh') continue;
      const [namespace, name] = reference.includes('/') ? reference.split('/') : [table.namespace, reference];
      if (gateways.some((gateway) => gateway.name === name && gateway.namespace === namespace)) continue;
      const known = gateways.map((gateway) => gateway.name).join(', ') || 'none';
      findings.push(
        finding(
          'gateway-exists',
          table,
          `binds to gateway "${reference}", which does not exist in namespace ${namespace ?? '(none)'} (${group} Gateways: ${known})`,
        ),
      );
    }
  }
  return findings;
}

/** `weights-sum`: a rule with several destinations gives them weights that add up to exactly 100. */
export function checkWeightsSum({ tables }: RoutingContext): Finding[] {
  const findings: Finding[] = [];
  for (const table of tables) {
    table.virtualService.spec.http.forEach((rule, index) => {
      if (rule.route.length < 2) return;
      const weights = rule.route.map((d) => d.weight ?? 0);
      const sum = weights.reduce((total, weight) => total + weight, 0);
      if (sum === 100) return;
      const terms = rule.route
        .map((d) => `${d.destination.subset ?? d.destination.host} ${d.weight ?? 0}`)
        .join(' + ');
      findings.push(
        finding('weights-sum', table, `${ruleLabel(rule, index)} weights sum to ${sum} (${terms}), not 100`),
      );
    });
  }
  return findings;
}

/** Gateway-bound tables: what the ingress gateway routes by. */
function ingressTables(tables: readonly RouteTable[]): RouteTable[] {
  return tables.filter((table) =>
    (table.virtualService.spec.gateways ?? []).some((gateway) => gateway !== 'mesh'),
  );
}

/** Destination key → version: a subset name, or the `version` a per-version Service selects (Gateway API). */
function versionKey(objects: readonly Manifest[], table: RouteTable, key: string): string {
  const service = serviceForHost(objects, key, table.namespace);
  return service?.spec.selector?.version ?? key;
}

function formatSplit(split: Record<string, number>): string {
  return Object.entries(split)
    .map(([version, percent]) => `${version} ${Number(percent.toFixed(2))} %`)
    .join(', ');
}

/**
 * `weights-match-overlay`: the split a plain request to /api/ gets is the one the overlay's name promises
 * (80-20 → v1 80 %, v2 20 %; a scenario overlay promises the split it is built on).
 */
export function checkWeightsMatchOverlay({
  objects,
  tables,
  expectedSplit,
  overlay,
  unreadable,
}: RoutingContext): Finding[] {
  if (!expectedSplit || unreadable > 0) return [];
  const ingress = ingressTables(tables);
  const decision = matchRequest(
    ingress.map((table) => table.virtualService),
    plainApiRequest,
  );
  const table = ingress.find((t) => t.virtualService === decision?.virtualService);
  if (!decision || !table) {
    return [
      {
        check: 'weights-match-overlay',
        severity: 'error',
        object: `overlay ${overlay ?? '(unnamed)'}`,
        message: `no gateway route accepts a plain request to /api/, but the overlay promises ${formatSplit(expectedSplit)}`,
      },
    ];
  }
  const actual: Record<string, number> = {};
  for (const [key, percent] of Object.entries(splitOf([table.virtualService], plainApiRequest))) {
    const version = versionKey(objects, table, key);
    actual[version] = (actual[version] ?? 0) + percent;
  }
  const versions = new Set([...Object.keys(actual), ...Object.keys(expectedSplit)]);
  const agrees = [...versions].every(
    (version) => Math.abs((actual[version] ?? 0) - (expectedSplit[version] ?? 0)) < 1e-9,
  );
  if (agrees) return [];
  return [
    finding(
      'weights-match-overlay',
      table,
      `a plain request to /api/ gets ${formatSplit(actual)}, but overlay ${overlay ?? '(unnamed)'} promises ${formatSplit(expectedSplit)}`,
    ),
  ];
}

/** `header-lowercase`: header match names are lowercase (Envoy lowercases request header names). */
export function checkHeaderNamesLowercase({ tables }: RoutingContext): Finding[] {
  const findings: Finding[] = [];
  for (const table of tables) {
    table.virtualService.spec.http.forEach((rule, index) => {
      for (const match of rule.match ?? []) {
        for (const name of [
          ...Object.keys(match.headers ?? {}),
          ...Object.keys(match.withoutHeaders ?? {}),
        ]) {
          if (name === name.toLowerCase()) continue;
          findings.push(
            finding(
              'header-lowercase',
              table,
              `${ruleLabel(rule, index)} matches header "${name}": write it "${name.toLowerCase()}" — Envoy lowercases header names, so a name with capitals never matches`,
            ),
          );
        }
      }
    });
  }
  return findings;
}

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
    const rules = table.virtualService.spec.http;
    const samples = sampleRequests([table.virtualService]);
    rules.forEach((rule, index) => {
      if (index === 0) return;
      const alone = { ...table.virtualService, spec: { ...table.virtualService.spec, http: [rule] } };
      const own = samples.filter((request) => matchRequest([alone], request));
      if (own.length === 0) return;
      const decisions = own.map((request) => matchRequest([table.virtualService], request));
      if (decisions.some((decision) => decision?.ruleIndex === index)) return;
      const first = decisions[0];
      const earlier = first ? rules[first.ruleIndex] : undefined;
      const orHint =
        earlier && (earlier.match?.length ?? 0) > 1
          ? ` ${ruleLabel(earlier, first?.ruleIndex ?? 0)} has ${earlier.match?.length} match blocks, which Istio ORs; to require a header AND a uri, put both in ONE match block`
          : '';
      findings.push(
        finding(
          'rule-reachable',
          table,
          `${ruleLabel(rule, index)} is never reached: every request it matches (e.g. ${describeRequest(own[0] as RequestInfo)}) is taken by ${earlier ? ruleLabel(earlier, first?.ruleIndex ?? 0) : 'an earlier route'} first.${orHint}`,
        ),
      );
    });
  }
  return findings;
}
