import type { MeshState, TrafficCount, TrafficSnapshot } from '@movies/contracts/mesh-state';
import { MESH_PATH } from '@movies/contracts/names';
import { apiClient } from './api-client';

// GET /__mesh is the local gateway's routing state (apps/gateway). A cluster has no such endpoint: there the
// reader resolves null and the UI says where to look instead.

export type MeshWeights = MeshState['weights'];
export type SubsetCounts = TrafficCount;
export type MeshTraffic = TrafficSnapshot;
export type PremiumRoute = { header: string; value: string; subset: string | null };
export type MeshStatus = {
  source: string | null;
  weights: MeshWeights;
  /** The first rule that routes on `x-user-type`, or null when premium requests just follow the weights. */
  premiumRoute: PremiumRoute | null;
  traffic: MeshTraffic | null;
};

/**
 * GET /__mesh. Resolves null when there is no such endpoint (a cluster, or a static server answering with its
 * HTML page) or it cannot be read.
 */
export async function getMeshStatus(signal?: AbortSignal): Promise<MeshStatus | null> {
  try {
    // Same client, but /__mesh lives beside /api, not under it; it is not part of the visitor's visit.
    const response = await apiClient.get<unknown>(MESH_PATH, {
      baseURL: '/',
      signal,
      timeout: 5_000,
      outsideVisit: true,
    });
    // The parser (zod) is its own chunk: /__mesh exists only locally, so a cluster's first page never loads it.
    const { parseMeshStatus } = await import('./parse-mesh-status');
    return parseMeshStatus(response.data);
  } catch {
    return null;
  }
}
