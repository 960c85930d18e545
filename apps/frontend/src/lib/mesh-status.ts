import { MESH_PATH } from '@movies/contracts/names';
import { apiClient } from './api-client';
import type { MeshStatus } from './parse-mesh-status';

// GET /__mesh is the local gateway's routing state (apps/gateway). A cluster has no such endpoint: there the
// reader resolves null and the UI says where to look instead.

// The types live with the parser that produces them, so this module imports it one way only (and only its types
// eagerly: the parser itself is loaded on demand below).
export type { MeshStatus, MeshTraffic, MeshWeights, PremiumRoute, SubsetCounts } from './parse-mesh-status';

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
