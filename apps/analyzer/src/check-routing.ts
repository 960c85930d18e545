/**
 * Routing checks in the spirit of `istioctl analyze`. Every VirtualService is read through @movies/mesh, as the
 * gateway and the traffic CLI read it, so a check and a request cannot disagree; HTTPRoutes are first turned into
 * VirtualServices by its http-route.ts.
 */
import {
  formatSplit,
  type HttpRoute,
  httpRouteToVirtualService,
  isHttpRoute,
  isVirtualService,
  matchRequest,
  parseVirtualService,
  plainApiRequest,
  type RouteDestination,
  splitOf,
  type VirtualService,
} from '@movies/mesh';
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
} from '@movies/mesh/manifests';
import type { Finding } from './findings.js';

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

export function finding(check: string, table: RouteTable | Manifest, message: string): Finding {
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

export function ruleLabel(rule: HttpRoute, index: number): string {
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
  return tables.flatMap((table) =>
    table.virtualService.spec.http.flatMap((rule, index) =>
      destinationsOf(rule).flatMap(({ role, destination }) => {
        if (!destination.subset) return [];
        const where = `${ruleLabel(rule, index)} ${role} subset "${destination.subset}"`;
        const problem = subsetProblem(objects, table, destination, where);
        return problem ? [finding('subset-defined', table, problem)] : [];
      }),
    ),
  );
}

function subsetProblem(
  objects: readonly Manifest[],
  table: RouteTable,
  destination: RouteDestination['destination'],
  where: string,
): string | undefined {
  const destinationRule = destinationRuleFor(objects, destination.host, table.namespace);
  if (!destinationRule)
    return `${where} needs a DestinationRule for host ${destination.host}, and there is none`;
  const subsets = (destinationRule.spec.subsets ?? []).map((subset) => subset.name);
  if (destination.subset !== undefined && subsets.includes(destination.subset)) return undefined;
  return `${where} is not defined in DestinationRule ${destinationRule.metadata.name} (has ${subsets.join(', ') || 'no subsets'})`;
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
  return tables.flatMap((table) => {
    const group = table.kind === 'HTTPRoute' ? 'gateway.networking.k8s.io' : 'networking.istio.io';
    const gateways = ofKind<Manifest>(objects, 'Gateway', group).map((gateway) => metadataOf(gateway));
    const exists = (reference: string) => {
      const [namespace, name] = reference.includes('/') ? reference.split('/') : [table.namespace, reference];
      return gateways.some((gateway) => gateway.name === name && gateway.namespace === namespace);
    };
    const missing = (table.virtualService.spec.gateways ?? []).filter(
      (ref) => ref !== 'mesh' && !exists(ref),
    );
    const known = gateways.map((gateway) => gateway.name).join(', ') || 'none';
    return missing.map((reference) => {
      const namespace = reference.includes('/') ? reference.split('/')[0] : table.namespace;
      return finding(
        'gateway-exists',
        table,
        `binds to gateway "${reference}", which does not exist in namespace ${namespace ?? '(none)'} (${group} Gateways: ${known})`,
      );
    });
  });
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
export function ingressTables(tables: readonly RouteTable[]): RouteTable[] {
  return tables.filter((table) =>
    (table.virtualService.spec.gateways ?? []).some((gateway) => gateway !== 'mesh'),
  );
}

/** Destination key → version: a subset name, or the `version` a per-version Service selects (Gateway API). */
function versionKey(objects: readonly Manifest[], table: RouteTable, key: string): string {
  const service = serviceForHost(objects, key, table.namespace);
  return service?.spec.selector?.version ?? key;
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
