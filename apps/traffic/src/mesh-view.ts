/**
 * The configured routing, read only through @movies/mesh: locally from the gateway's GET /__mesh, in a cluster
 * from `kubectl get virtualservice -n $NAMESPACE -o json` (the VirtualServices bound to istio-gateway).
 * "Local or cluster" is decided by whether the target answers GET /__mesh.
 */
import {
  gatewayVirtualServices,
  listOverlays,
  loadOverlay,
  matchRequest,
  parseVirtualService,
  type RequestInfo,
  type RuleSummary,
  splitOf,
  summarizeRules,
  type VirtualService,
  withWeights,
} from '@movies/mesh';
import { z } from 'zod';
import { kubectlJson, type Target } from './target.js';

export const meshPath = '/__mesh';

const meshStateSchema = z
  .object({
    source: z.string(),
    overlay: z.string().optional().nullable(),
    weights: z.record(z.string(), z.number()),
    rules: z.array(z.unknown()),
    counts: z.record(z.string(), z.number()).optional(),
    updatedAt: z.union([z.string(), z.number()]).optional(),
    virtualServices: z.array(z.unknown()).optional(),
  })
  .passthrough();

export type MeshState = z.infer<typeof meshStateSchema>;

export class TargetError extends Error {
  override name = 'TargetError';
}

export interface ConfiguredView {
  mode: 'local' | 'cluster';
  target: Target;
  /** Overlay name or "custom" locally; "namespace <ns>" in a cluster. */
  source: string;
  /** The split a plain GET /api/ gets. */
  weights: Record<string, number>;
  rules: RuleSummary[] | unknown[];
  /** The split a request like this one gets; undefined when it cannot be known. */
  weightsFor(request: RequestInfo): Record<string, number> | undefined;
  /** Per-subset counts the local gateway keeps (undefined in a cluster). */
  counts?: Record<string, number>;
}

function errorCode(error: unknown): string {
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code ?? (error as Error).message;
}

/** GET /__mesh: the state when the target is a local gateway, undefined when it answers but is not one. */
export async function fetchMeshState(baseUrl: string): Promise<MeshState | undefined> {
  let response: Response;
  try {
    response = await fetch(`${baseUrl}${meshPath}`, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    throw new TargetError(`cannot reach ${baseUrl} (${errorCode(error)})`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    return undefined;
  }
  const text = await response.text();
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

/**
 * The VirtualServices behind a local gateway's state: its own copy when /__mesh includes them, else the overlay it
 * names loaded from the same k8s/ files the gateway reads (with the custom weights re-applied).
 */
async function localVirtualServices(state: MeshState): Promise<VirtualService[] | undefined> {
  if (state.virtualServices) return state.virtualServices.map(parseVirtualService);
  const overlay = state.overlay ?? state.source;
  if (!listOverlays().includes(overlay)) return undefined;
  const loaded = await loadOverlay(overlay);
  return state.source === overlay ? loaded.virtualServices : withWeights(loaded.virtualServices, state.weights);
}

async function localView(target: Target, state: MeshState): Promise<ConfiguredView> {
  let virtualServices: VirtualService[] | undefined;
  try {
    virtualServices = await localVirtualServices(state);
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
      `${target.url} is not a local gateway (no ${meshPath}) and kubectl is not available to read its VirtualServices`,
    );
  }
  const virtualServices = await clusterVirtualServices(options.kubectl, options.namespace);
  return {
    mode: 'cluster',
    target,
    source: `namespace ${options.namespace}`,
    weights: splitOf(virtualServices),
    rules: summarizeRules(virtualServices),
    weightsFor: (request) => splitOf(virtualServices, request),
  };
}

/** PUT /__mesh; returns the gateway's error message on a refusal. */
export async function putMesh(
  baseUrl: string,
  body: { overlay: string } | { weights: Record<string, number> },
): Promise<{ ok: true } | { ok: false; status: number; message: string }> {
  let response: Response;
  try {
    response = await fetch(`${baseUrl}${meshPath}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new TargetError(`cannot reach ${baseUrl} (${errorCode(error)})`);
  }
  const text = await response.text();
  if (response.ok) return { ok: true };
  let message = text.trim();
  try {
    const json = JSON.parse(text) as { error?: { message?: string } | string; message?: string };
    message =
      (typeof json.error === 'string' ? json.error : json.error?.message) ?? json.message ?? message;
  } catch {
    // not JSON: keep the text
  }
  return { ok: false, status: response.status, message: message || `HTTP ${response.status}` };
}

/** The request the CLI sends, in the form the VirtualService matcher takes. */
export function requestInfo(path: string, headers: Record<string, string>): RequestInfo {
  return { method: 'GET', path, headers };
}
