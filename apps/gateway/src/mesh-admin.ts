/**
 * The `/__mesh` admin endpoint: GET answers the routing state, PUT switches to an overlay or a split. A PUT must
 * pass ./admin-auth.ts (token when one is needed, JSON content type). A bad request (or a split, overlay or
 * VirtualService the mesh rejects) is an AppError and answers with its code's status; anything else is 500. No CORS
 * header: the UI is served from the gateway's own origin, and no other site may read the routing or upstreams.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError } from '@movies/contracts/errors';
import {
  type MeshState,
  type MeshUpdate,
  meshUpdateHelp,
  meshUpdateSchema,
} from '@movies/contracts/mesh-state';
import { MESH_PATH } from '@movies/contracts/names';
import { checkChange } from './admin-auth.js';
import { readBody, sendError, sendJson } from './http-io.js';
import type { RoutingTable } from './routing-table.js';
import type { TrafficCounters } from './traffic-counters.js';
import type { UpstreamMap } from './upstreams.js';

const MAX_MESH_BODY = 16 * 1024;

export function toState(table: RoutingTable, upstreams: UpstreamMap, traffic: TrafficCounters): MeshState {
  return {
    source: table.source,
    overlay: table.overlay,
    via: table.via,
    weights: table.weights,
    rules: table.rules,
    counts: { ...table.counts },
    countsSince: table.updatedAt.toISOString(),
    stats: { ...table.stats },
    upstreams,
    updatedAt: table.updatedAt.toISOString(),
    virtualServices: [...table.virtualServices],
    subsets: table.subsets,
    traffic: traffic.snapshot(),
  };
}

/** True for "/__mesh" and "/__mesh?…". */
export function isMeshPath(path: string): boolean {
  return path === MESH_PATH || path.startsWith(`${MESH_PATH}?`);
}

export interface MeshAdmin {
  state(): MeshState;
  useOverlay(name: string): Promise<MeshState>;
  useWeights(weights: Record<string, number>): Promise<MeshState>;
}

async function readMeshRequest(req: IncomingMessage): Promise<MeshUpdate> {
  const text = (await readBody(req, MAX_MESH_BODY)).toString('utf8');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new AppError('BAD_REQUEST', `body is not JSON: ${meshUpdateHelp}`);
  }
  const parsed = meshUpdateSchema.safeParse(body);
  if (!parsed.success)
    throw new AppError('BAD_REQUEST', `unexpected body ${text.slice(0, 200)}: ${meshUpdateHelp}`);
  return parsed.data;
}

/** `token`: what a change must present (undefined: none, the gateway listens on loopback only). */
export async function handleMesh(
  admin: MeshAdmin,
  req: IncomingMessage,
  res: ServerResponse,
  token?: string,
): Promise<void> {
  if (req.method === 'GET' || req.method === 'HEAD') {
    sendJson(res, 200, admin.state());
    return;
  }
  if (req.method !== 'PUT') {
    sendError(
      res,
      new AppError('METHOD_NOT_ALLOWED', `${req.method} ${MESH_PATH}: use GET or PUT`, {
        headers: { allow: 'GET, HEAD, PUT' },
      }),
    );
    return;
  }
  try {
    const refusal = checkChange(req, token);
    if (refusal) throw refusal;
    const request = await readMeshRequest(req);
    const state = await ('overlay' in request
      ? admin.useOverlay(request.overlay)
      : admin.useWeights(request.weights));
    sendJson(res, 200, state);
  } catch (error) {
    sendError(
      res,
      error instanceof AppError ? error : new AppError('INTERNAL_ERROR', (error as Error).message),
    );
  }
}
