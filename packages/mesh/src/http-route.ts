/**
 * Reads Gateway API HTTPRoutes as VirtualServices, so the gateway-api overlay goes through the same routing code
 * (packages/mesh/src/virtual-service.ts) as every other overlay: the checks here, and any tool that routes locally.
 * Only the subset of HTTPRoute this project writes is supported; anything else is a clear error.
 */

import { ManifestError } from './errors.js';
import { describeObject, type Manifest, metadataOf } from './manifests.js';
import { type Destination, parseVirtualService, shortHost, type VirtualService } from './virtual-service.js';

interface HeaderModifier {
  set?: Array<{ name: string; value: string }>;
  add?: Array<{ name: string; value: string }>;
  remove?: string[];
}

interface HttpRouteFilter {
  type: string;
  urlRewrite?: { path?: { type: string; replacePrefixMatch?: string; replaceFullPath?: string } };
  requestHeaderModifier?: HeaderModifier;
  responseHeaderModifier?: HeaderModifier;
}

interface HttpRouteMatch {
  path?: { type?: string; value?: string };
  headers?: Array<{ type?: string; name: string; value: string }>;
  queryParams?: Array<{ type?: string; name: string; value: string }>;
  method?: string;
}

interface HttpRouteRule {
  matches?: HttpRouteMatch[];
  filters?: HttpRouteFilter[];
  backendRefs?: Array<{
    name: string;
    namespace?: string;
    port?: number;
    weight?: number;
    kind?: string;
    filters?: HttpRouteFilter[];
  }>;
}

interface HttpRouteSpec {
  parentRefs?: Array<{ name: string; namespace?: string; kind?: string; group?: string }>;
  hostnames?: string[];
  rules?: HttpRouteRule[];
}

export function isHttpRoute(object: Manifest): boolean {
  return (
    // Stryker disable next-line StringLiteral: no text but the group itself starts with the group's prefix, so the '' fallback is equivalent to any other
    object.kind === 'HTTPRoute' && String(object.apiVersion ?? '').startsWith('gateway.networking.k8s.io/')
  );
}

type VsMatch = Record<string, unknown>;

/** Gateway API PathPrefix matches whole path segments: "/api/" accepts "/api" and "/api/x", never "/apix". */
function pathMatches(path: { type?: string; value?: string } | undefined): VsMatch[] {
  // Stryker disable next-line StringLiteral: any type other than Exact and RegularExpression is read as PathPrefix
  const type = path?.type ?? 'PathPrefix';
  // Stryker disable next-line StringLiteral: '' and '/' both trim to '' and give the prefix '/'
  const value = path?.value ?? '/';
  if (type === 'Exact') return [{ uri: { exact: value } }];
  if (type === 'RegularExpression') return [{ uri: { regex: value } }];
  const trimmed = value.replace(/\/+$/, '');
  if (trimmed === '') return [{ uri: { prefix: '/' } }];
  return [{ uri: { exact: trimmed } }, { uri: { prefix: `${trimmed}/` } }];
}

/** The longest literal path a rule matches: Gateway API gives longer paths precedence. */
function precedence(spec: HttpRouteSpec): number {
  return Math.max(
    0,
    // Stryker disable next-line ArrayDeclaration: a stand-in rule has no matches and ranks 0, like no rule
    ...(spec.rules ?? []).flatMap((rule) => (rule.matches ?? []).map((m) => m.path?.value?.length ?? 1)),
  );
}

/** A Gateway API header modifier as VirtualService header operations (both end up as Envoy header mutations). */
function headerOperations(modifier: HeaderModifier | undefined) {
  const entries = (list: Array<{ name: string; value: string }> | undefined) =>
    list?.length ? Object.fromEntries(list.map(({ name, value }) => [name.toLowerCase(), value])) : undefined;
  const set = entries(modifier?.set);
  const add = entries(modifier?.add);
  return {
    ...(set ? { set } : {}),
    ...(add ? { add } : {}),
    ...(modifier?.remove?.length ? { remove: modifier.remove.map((name) => name.toLowerCase()) } : {}),
  };
}

/** URLRewrite and header modifiers, the filters this project uses, as VirtualService fields. */
function translateFilters(
  filters: readonly HttpRouteFilter[] | undefined,
  where: string,
  allowRewrite: boolean,
) {
  let rewrite: { uri: string } | undefined;
  const headers: { request?: object; response?: object } = {};
  for (const filter of filters ?? []) {
    const path = filter.urlRewrite?.path;
    // Stryker disable next-line ConditionalExpression: only a URLRewrite filter carries urlRewrite.path
    if (filter.type === 'URLRewrite' && path && allowRewrite) {
      rewrite = { uri: path.replacePrefixMatch ?? path.replaceFullPath ?? '/' };
    } else if (filter.type === 'RequestHeaderModifier') {
      headers.request = headerOperations(filter.requestHeaderModifier);
    } else if (filter.type === 'ResponseHeaderModifier') {
      headers.response = headerOperations(filter.responseHeaderModifier);
    } else {
      throw new ManifestError(`${where}: filter ${filter.type} is not supported`);
    }
  }
  return { rewrite, headers: Object.keys(headers).length > 0 ? headers : undefined };
}

/**
 * Gateway API precedence of one match, highest first: an Exact path over a prefix, then the longer path, then a
 * method match, then more header matches, then more query parameter matches.
 */
function matchRank(match: HttpRouteMatch): number[] {
  return [
    match.path?.type === 'Exact' ? 1 : 0,
    match.path?.value?.length ?? 1,
    match.method ? 1 : 0,
    match.headers?.length ?? 0,
    match.queryParams?.length ?? 0,
  ];
}

function compareRanks(a: readonly number[], b: readonly number[]): number {
  // Stryker disable next-line EqualityOperator: both ranks have the same length, so a[length] and b[length] are both undefined
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (b[i] as number) - (a[i] as number);
  return 0;
}

function matchConditions(match: HttpRouteMatch): VsMatch[] {
  const headers: Record<string, { exact?: string; regex?: string }> = {};
  for (const header of match.headers ?? []) {
    // Gateway API header names are case-insensitive; Envoy sees them lowercased. Istio hands a RegularExpression
    // to Envoy as an RE2 full match, like a VirtualService regex.
    headers[header.name.toLowerCase()] =
      header.type === 'RegularExpression' ? { regex: header.value } : { exact: header.value };
  }
  const conditions = {
    ...(match.headers?.length ? { headers } : {}),
    ...(match.method ? { method: { exact: match.method } } : {}),
  };
  return pathMatches(match.path).map((pathMatch) => ({ ...pathMatch, ...conditions }));
}

type BackendRef = NonNullable<HttpRouteRule['backendRefs']>[number];

/** One HTTPRoute rule as VirtualService rules (one per match), each with the rank Gateway API orders it by. */
function rankedRules(rule: HttpRouteRule, index: number, label: string) {
  const { rewrite, headers } = translateFilters(rule.filters, label, true);
  const backends = rule.backendRefs ?? [];
  if (backends.length === 0) throw new ManifestError(`${label} has no backendRefs`);
  const route = backends.map((backend) => routeDestination(backend, backends.length, label));
  const matches = rule.matches?.length ? rule.matches : [{}];
  return matches.map((match, m) => ({
    rank: matchRank(match),
    rule: {
      name: matches.length > 1 ? `rule-${index + 1}.${m + 1}` : `rule-${index + 1}`,
      match: matchConditions(match),
      ...(rewrite ? { rewrite } : {}),
      ...(headers ? { headers } : {}),
      route,
    },
  }));
}

function routeDestination(backend: BackendRef, count: number, label: string) {
  if (backend.kind && backend.kind !== 'Service') {
    throw new ManifestError(`${label}: backendRef kind ${backend.kind} is not supported`);
  }
  const host = backend.namespace ? `${backend.name}.${backend.namespace}` : backend.name;
  const own = translateFilters(backend.filters, `${label} backendRef ${backend.name}`, false).headers;
  return {
    destination: { host, ...(backend.port ? { port: { number: backend.port } } : {}) },
    // Gateway API's default weight is 1 (relative); a lone backend gets everything either way.
    ...(count > 1 ? { weight: backend.weight ?? 1 } : {}),
    ...(own ? { headers: own } : {}),
  };
}

/**
 * One HTTPRoute → the equivalent VirtualService (bound to the HTTPRoute's parent Gateways). Each match of each
 * rule becomes one VirtualService rule, ordered by Gateway API precedence (ties keep the written order), because a
 * VirtualService takes the first rule that matches.
 */
export function httpRouteToVirtualService(object: Manifest): VirtualService {
  const metadata = metadataOf(object);
  const spec = (object.spec ?? {}) as HttpRouteSpec;
  const where = describeObject(object);
  const ranked = (spec.rules ?? []).flatMap((rule, index) =>
    rankedRules(rule, index, `${where}: rule ${index + 1}`),
  );
  const http = ranked.sort((a, b) => compareRanks(a.rank, b.rank)).map(({ rule }) => rule);
  return parseVirtualService({
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: metadata.name, ...(metadata.namespace ? { namespace: metadata.namespace } : {}) },
    spec: {
      hosts: spec.hostnames?.length ? spec.hostnames : ['*'],
      gateways: (spec.parentRefs ?? []).map((ref) =>
        ref.namespace ? `${ref.namespace}/${ref.name}` : ref.name,
      ),
      http,
    },
  });
}

/**
 * Every HTTPRoute as a VirtualService, most specific first: Envoy takes the first match, and Gateway API says
 * the longest path wins, so "/api/" must be tried before "/".
 */
export function httpRoutesAsVirtualServices(objects: readonly Manifest[]): VirtualService[] {
  const asSubset = subsetResolver(objects);
  return objects
    .filter(isHttpRoute)
    .map((object) => ({ object, rank: precedence((object.spec ?? {}) as HttpRouteSpec) }))
    .sort((a, b) => b.rank - a.rank)
    .map(({ object }) => httpRouteToVirtualService(object))
    .map((virtualService) => ({
      ...virtualService,
      spec: {
        ...virtualService.spec,
        http: virtualService.spec.http.map((rule) => ({
          ...rule,
          route: rule.route.map((d) => ({ ...d, destination: asSubset(d.destination) })),
        })),
      },
    }));
}

type Selector = Record<string, string>;

/**
 * Gateway API splits between per-version Services; the rest of the project speaks of DestinationRule subsets.
 * A backend Service that selects exactly the pods of one subset (the subset's labels plus its host Service's
 * selector) is read as that subset, so "movie-backend-v1" becomes movie-backend/v1 and every overlay reports
 * its split as { v1, v2 }.
 */
function subsetResolver(objects: readonly Manifest[]): (destination: Destination) => Destination {
  const selectors = new Map<string, Selector>();
  for (const object of objects) {
    const selector = (object.spec as { selector?: Selector } | undefined)?.selector;
    if (object.kind === 'Service' && selector) selectors.set(metadataOf(object).name, selector);
  }
  const subsets = objects.flatMap((object) => subsetSelectors(object, selectors));
  const sameLabels = (a: Selector, b: Selector) =>
    Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);
  return (destination) => {
    // Stryker disable next-line ConditionalExpression: HTTPRoute destinations never carry a subset (routeDestination sets none)
    if (destination.subset) return destination;
    const selector = selectors.get(shortHost(destination.host));
    const found = selector && subsets.find((candidate) => sameLabels(candidate.selector, selector));
    return found ? { ...destination, host: found.host, subset: found.subset } : destination;
  };
}

/** Each subset of a DestinationRule with the pod labels it selects: its host Service's selector plus its labels. */
function subsetSelectors(
  object: Manifest,
  selectors: ReadonlyMap<string, Selector>,
): Array<{ host: string; subset: string; selector: Selector }> {
  if (object.kind !== 'DestinationRule') return [];
  const spec = object.spec as { host?: string; subsets?: Array<{ name: string; labels?: Selector }> };
  const host = spec.host ? shortHost(spec.host) : undefined;
  const hostSelector = host ? selectors.get(host) : undefined;
  if (!host || !hostSelector) return [];
  return (spec.subsets ?? []).map((subset) => ({
    host,
    subset: subset.name,
    selector: { ...hostSelector, ...subset.labels },
  }));
}
