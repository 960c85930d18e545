/**
 * The configured routing, read only through @movies/mesh: locally from the gateway's GET /__mesh, in a cluster
 * from `kubectl get virtualservice -n $NAMESPACE -o json` (the VirtualServices bound to istio-gateway).
 * "Local or cluster" is decided by whether the target answers GET /__mesh.
 */
import http from 'node:http';
import https from 'node:https';
import { AppError } from '@movies/contracts/errors';
import { authorizationFor } from '@movies/contracts/gateway-access';
import { type MeshState, meshStateSchema } from '@movies/contracts/mesh-state';
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
import { kubectlJson, type Target } from './target.js';

export type { MeshState };

/** The target does not answer. The CLI counts it with the errors (exit 2), as its documented verdict says. */
export class TargetError extends AppError {
  override name = 'TargetError';
  constructor(message: string) {
    super('UNAVAILABLE', message);
  }
}

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

/** One JSON request on a fresh connection (closed afterwards, so a finished command never lingers). */
function requestText(
  url: string,
  method: 'GET' | 'PUT',
  timeoutMs: number,
  body?: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(
      target,
      {
        method,
        agent: false,
        timeout: timeoutMs,
        headers: {
          accept: 'application/json',
          ...headers,
          ...(body === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    request.on('timeout', () =>
      request.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })),
    );
    request.on('error', (error: NodeJS.ErrnoException) =>
      reject(new TargetError(`cannot reach ${target.origin} (${error.code ?? error.message})`)),
    );
    request.end(body);
  });
}

/** GET /__mesh: the state when the target is a local gateway, undefined when it answers but is not one. */
export async function fetchMeshState(baseUrl: string): Promise<MeshState | undefined> {
  const { status, text } = await requestText(`${baseUrl}${MESH_PATH}`, 'GET', 10_000);
  if (status < 200 || status > 299) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = meshStateSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
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

/** PUT /__mesh, with the admin token when one is given; returns the gateway's error message on a refusal. */
export async function putMesh(
  baseUrl: string,
  body: { overlay: string } | { weights: Record<string, number> },
  token?: string,
): Promise<{ ok: true } | { ok: false; status: number; message: string }> {
  const { status, text } = await requestText(
    `${baseUrl}${MESH_PATH}`,
    'PUT',
    30_000,
    JSON.stringify(body),
    token === undefined ? {} : { authorization: authorizationFor(token) },
  );
  if (status >= 200 && status <= 299) return { ok: true };
  let message = text.trim();
  try {
    const json = JSON.parse(text) as { error?: { message?: string } | string; message?: string };
    message = (typeof json.error === 'string' ? json.error : json.error?.message) ?? json.message ?? message;
  } catch {
    // not JSON: keep the text
  }
  return { ok: false, status, message: message || `HTTP ${status}` };
}

/** The request the CLI sends, in the form the VirtualService matcher takes. */
export function requestInfo(path: string, headers: Record<string, string>): RequestInfo {
  return { method: 'GET', path, headers };
}
