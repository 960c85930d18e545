/**
 * Reads Gateway API HTTPRoutes as VirtualServices, so the gateway-api overlay goes through the same routing code
 * (apps/mesh/src/virtual-service.ts) as every other overlay: the checks here, and any tool that routes locally.
 * Only the subset of HTTPRoute this project writes is supported; anything else is a clear error.
 */
import { type Destination, parseVirtualService, shortHost, type VirtualService } from '../virtual-service.js';
import { describeObject, type Manifest, metadataOf } from './manifests.js';

export class HttpRouteError extends Error {
  override name = 'HttpRouteError';
}

interface HttpRouteSpec {
  parentRefs?: Array<{ name: string; namespace?: string; kind?: string; group?: string }>;
  hostnames?: string[];
  rules?: Array<{
    matches?: Array<{
      path?: { type?: string; value?: string };
      headers?: Array<{ type?: string; name: string; value: string }>;
      method?: string;
    }>;
    filters?: Array<{
      type: string;
      urlRewrite?: { path?: { type: string; replacePrefixMatch?: string; replaceFullPath?: string } };
    }>;
    backendRefs?: Array<{ name: string; namespace?: string; port?: number; weight?: number; kind?: string }>;
  }>;
}

export function isHttpRoute(object: Manifest): boolean {
  return (
    object.kind === 'HTTPRoute' && String(object.apiVersion ?? '').startsWith('gateway.networking.k8s.io/')
  );
}

type VsMatch = Record<string, unknown>;

/** Gateway API PathPrefix matches whole path segments: "/api/" accepts "/api" and "/api/x", never "/apix". */
function pathMatches(path: { type?: string; value?: string } | undefined): VsMatch[] {
  const type = path?.type ?? 'PathPrefix';
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
    ...(spec.rules ?? []).flatMap((rule) => (rule.matches ?? []).map((m) => m.path?.value?.length ?? 1)),
  );
}

/** One HTTPRoute → the equivalent VirtualService (bound to the HTTPRoute's parent Gateways). */
export function httpRouteToVirtualService(object: Manifest): VirtualService {
  const metadata = metadataOf(object);
  const spec = (object.spec ?? {}) as HttpRouteSpec;
  const where = describeObject(object);
  const http = (spec.rules ?? []).map((rule, index) => {
    const headerConditions = (match: NonNullable<typeof rule.matches>[number]): VsMatch => {
      const headers: Record<string, { exact?: string; regex?: string }> = {};
      for (const header of match.headers ?? []) {
        // Gateway API header names are case-insensitive; Envoy sees them lowercased.
        headers[header.name.toLowerCase()] =
          header.type === 'RegularExpression' ? { regex: header.value } : { exact: header.value };
      }
      return {
        ...(match.headers?.length ? { headers } : {}),
        ...(match.method ? { method: { exact: match.method } } : {}),
      };
    };
    const match = (rule.matches?.length ? rule.matches : [{}]).flatMap((m) =>
      pathMatches(m.path).map((pathMatch) => ({ ...pathMatch, ...headerConditions(m) })),
    );
    let rewrite: { uri: string } | undefined;
    for (const filter of rule.filters ?? []) {
      const path = filter.urlRewrite?.path;
      if (filter.type !== 'URLRewrite' || !path) {
        throw new HttpRouteError(`${where}: rule ${index + 1}: filter ${filter.type} is not supported`);
      }
      rewrite = { uri: path.replacePrefixMatch ?? path.replaceFullPath ?? '/' };
    }
    const backends = rule.backendRefs ?? [];
    if (backends.length === 0) throw new HttpRouteError(`${where}: rule ${index + 1} has no backendRefs`);
    return {
      name: `rule-${index + 1}`,
      match,
      ...(rewrite ? { rewrite } : {}),
      route: backends.map((backend) => {
        if (backend.kind && backend.kind !== 'Service') {
          throw new HttpRouteError(
            `${where}: rule ${index + 1}: backendRef kind ${backend.kind} is not supported`,
          );
        }
        const host = backend.namespace ? `${backend.name}.${backend.namespace}` : backend.name;
        return {
          destination: { host, ...(backend.port ? { port: { number: backend.port } } : {}) },
          // Gateway API's default weight is 1 (relative); a lone backend gets everything either way.
          ...(backends.length > 1 ? { weight: backend.weight ?? 1 } : {}),
        };
      }),
    };
  });
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
  const subsets: Array<{ host: string; subset: string; selector: Selector }> = [];
  for (const object of objects) {
    if (object.kind !== 'DestinationRule') continue;
    const spec = object.spec as { host?: string; subsets?: Array<{ name: string; labels?: Selector }> };
    const host = spec.host ? shortHost(spec.host) : undefined;
    const hostSelector = host ? selectors.get(host) : undefined;
    if (!host || !hostSelector) continue;
    for (const subset of spec.subsets ?? []) {
      subsets.push({ host, subset: subset.name, selector: { ...hostSelector, ...subset.labels } });
    }
  }
  const sameLabels = (a: Selector, b: Selector) =>
    Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);
  return (destination) => {
    if (destination.subset) return destination;
    const selector = selectors.get(shortHost(destination.host));
    const found = selector && subsets.find((candidate) => sameLabels(candidate.selector, selector));
    return found ? { ...destination, host: found.host, subset: found.subset } : destination;
  };
}
