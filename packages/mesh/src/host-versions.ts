/**
 * Versions behind destinations that name a Service instead of a subset. Flagger routes to the Services it makes,
 * movie-backend-primary and movie-backend-canary, and which version each serves changes with every promotion; the
 * answer is the `version` label of the pods that Service selects, the label the backend reports in
 * x-backend-version. The traffic CLI uses it to compare Flagger's weights with the versions it counts.
 */
import { deploymentsSelectedBy, type Manifest, podLabels, serviceForHost } from './manifests.js';
import {
  matchRequest,
  plainApiRequest,
  type RequestInfo,
  shortHost,
  type VirtualService,
} from './virtual-service.js';

/** Hosts of the destinations a request's rule routes to without a subset (empty for the split overlays). */
export function subsetlessHosts(
  virtualServices: readonly VirtualService[],
  request: RequestInfo = plainApiRequest,
): string[] {
  const decision = matchRequest(virtualServices, request);
  const hosts = (decision?.rule.route ?? [])
    .filter((route) => route.destination.subset === undefined)
    .map((route) => route.destination.host);
  return [...new Set(hosts)];
}

/**
 * For each host, the `version` pod label of the Deployments its Service selects: { "movie-backend-primary":
 * "v1", "movie-backend-canary": "v2" }. A host whose pods carry no version, or several, is left out: its answers
 * could not be credited to one version.
 */
export function hostVersions(
  hosts: readonly string[],
  objects: readonly Manifest[],
  namespace: string,
): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const host of hosts) {
    const service = serviceForHost(objects, host, namespace);
    const selector = service?.spec.selector;
    if (!(service && selector && Object.keys(selector).length > 0)) continue;
    const found = new Set(
      deploymentsSelectedBy(objects, service.metadata.namespace, selector)
        .map((deployment) => podLabels(deployment).version)
        .filter((version): version is string => version !== undefined),
    );
    if (found.size === 1) versions[shortHost(host)] = [...found][0] as string;
  }
  return versions;
}

/** Weights per destination → weights per version, adding up destinations that serve the same version. */
export function weightsByVersion(
  weights: Record<string, number>,
  versions: Record<string, string>,
): Record<string, number> {
  const result: Record<string, number> = {};
  for (const [key, weight] of Object.entries(weights)) {
    const version = versions[key] ?? key;
    result[version] = (result[version] ?? 0) + weight;
  }
  return result;
}
