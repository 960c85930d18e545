/**
 * The configured routing, read only through @movies/mesh: locally from the gateway's GET /__mesh, in a cluster
 * from `kubectl get virtualservice -n $NAMESPACE -o json` (the VirtualServices bound to istio-gateway).
 * "Local or cluster" is decided by whether the target answers GET /__mesh (./target.ts, isLocalGateway).
 */
import type { MeshState } from '@movies/contracts/mesh-state';
import { MESH_PATH } from '@movies/contracts/names';
import {
  gatewayVirtualServices,
  hostVersions,
  matchRequest,
  parseVirtualService,
  type RequestInfo,
  type RuleSummary,
  splitOf,
  subsetlessHosts,
  summarizeRules,
  type VirtualService,
  weightsByVersion,
} from '@movies/mesh';
import { z } from 'zod';
import { fetchMeshState } from './gateway-client.js';
import { kubectlJson, type Target } from './target.js';

export type { MeshState };

export interface ConfiguredView {
  mode: 'local' | 'cluster';
  target: Target;
  /** Overlay name or "custom" locally; "namespace <ns>" in a cluster. */
  source: string;
  /** The split a plain GET /api/ gets. */
  weights: Record<string, number>;
  rules: RuleSummary[];
  /** The split a request like this one gets; undefined when it cannot be known. */
  weightsFor(request: RequestInfo): Record<string, number> | undefined;
  /** Per-subset counts the local gateway keeps (undefined in a cluster). */
  counts?: Record<string, number>;
}

function isPlain(request: RequestInfo): boolean {
  return request.path === '/api/' && Object.keys(request.headers).length === 0;
}

/** The local gateway's own routing table, as GET /__mesh reports it. */
function localVirtualServices(state: MeshState): VirtualService[] {
  return state.virtualServices.map(parseVirtualService);
}

async function localView(target: Target, state: MeshState): Promise<ConfiguredView> {
  let virtualServices: VirtualService[] | undefined;
  try {
    virtualServices = localVirtualServices(state);
  } catch {
    virtualServices = undefined;
  }
  return {
    mode: 'local',
    target,
    source: state.source,
    weights: state.weights,
    rules: state.rules,
    counts: state.counts,
    weightsFor: (request) => {
      if (isPlain(request)) return state.weights;
      if (!virtualServices) return undefined;
      return matchRequest(virtualServices, request) ? splitOf(virtualServices, request) : {};
    },
  };
}

const listSchema = z.object({ items: z.array(z.record(z.string(), z.unknown())) });

/** The VirtualServices bound to istio-gateway in the namespace, from the cluster itself. */
export async function clusterVirtualServices(kubectl: string, namespace: string): Promise<VirtualService[]> {
  const json = await kubectlJson(kubectl, ['get', 'virtualservice', '-n', namespace]);
  const list = listSchema.safeParse(json);
  if (!list.success) throw new Error('`kubectl get virtualservice` did not return a list');
  const bound = gatewayVirtualServices(list.data.items);
  if (bound.length === 0) {
    throw new Error(`no VirtualService bound to istio-gateway in namespace ${namespace}`);
  }
  return bound;
}

/**
 * Versions of the destinations that name a Service, not a subset (Flagger's movie-backend-primary / -canary),
 * read from the pods those Services select. No kubectl call when every destination is a subset (the overlays).
 */
async function clusterHostVersions(
  kubectl: string,
  namespace: string,
  virtualServices: readonly VirtualService[],
): Promise<Record<string, string>> {
  const hosts = subsetlessHosts(virtualServices);
  if (hosts.length === 0) return {};
  const json = await kubectlJson(kubectl, ['get', 'services,deployments', '-n', namespace]);
  const list = listSchema.safeParse(json);
  if (!list.success) throw new Error('`kubectl get services,deployments` did not return a list');
  return hostVersions(hosts, list.data.items, namespace);
}

export interface ViewOptions {
  kubectl: string | undefined;
  namespace: string;
}

/** Reads the configured routing for a target. Throws TargetError when it is unreachable. */
export async function readConfiguredView(target: Target, options: ViewOptions): Promise<ConfiguredView> {
  const state = await fetchMeshState(target.url);
  if (state) return localView(target, state);
  if (!options.kubectl) {
    throw new Error(
      `${target.url} is not a local gateway (no ${MESH_PATH}) and kubectl is not available to read its VirtualServices`,
    );
  }
  const virtualServices = await clusterVirtualServices(options.kubectl, options.namespace);
  const versions = await clusterHostVersions(options.kubectl, options.namespace, virtualServices);
  return {
    mode: 'cluster',
    target,
    source: `namespace ${options.namespace}`,
    weights: weightsByVersion(splitOf(virtualServices), versions),
    rules: summarizeRules(virtualServices),
    weightsFor: (request) => weightsByVersion(splitOf(virtualServices, request), versions),
  };
}

/** The request the CLI sends, in the form the VirtualService matcher takes. */
export function requestInfo(path: string, headers: Record<string, string>): RequestInfo {
  return { method: 'GET', path, headers };
}
