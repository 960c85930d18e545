/**
 * The `/__mesh` admin endpoint: GET answers the routing state, PUT switches to an overlay or a split. A bad
 * request (or a split, overlay or VirtualService the mesh rejects) is an AppError and answers with its code's status;
 * anything else is 500.
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
import { readBody, sendJson } from './http-io.js';
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

export async function handleMesh(admin: MeshAdmin, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method === 'GET' || req.method === 'HEAD') {
    sendJson(res, 200, admin.state(), { 'access-control-allow-origin': '*' });
    return;
  }
  if (req.method !== 'PUT') {
    sendJson(
      res,
      405,
      { error: { code: 'method_not_allowed', message: `${req.method} ${MESH_PATH}: use GET or PUT` } },
      { allow: 'GET, HEAD, PUT' },
    );
    return;
  }
  try {
    const request = await readMeshRequest(req);
    const state = await ('overlay' in request
      ? admin.useOverlay(request.overlay)
      : admin.useWeights(request.weights));
    sendJson(res, 200, state);
  } catch (error) {
    const known =
      error instanceof AppError ? error : new AppError('INTERNAL_ERROR', (error as Error).message);
    sendJson(res, known.status, { error: { code: known.wireCode, message: known.message } });
  }
}
