import { apiClient } from '../../../lib/api-client';

export type MeshWeights = Record<string, number>;
export type MeshStatus = { source: string | null; weights: MeshWeights };

function isWeights(value: unknown): value is MeshWeights {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.values(value).length > 0 &&
    Object.values(value).every((weight) => typeof weight === 'number' && weight >= 0 && weight <= 100)
  );
}

/**
 * GET /__mesh from the local gateway: the weights a plain /api/ request is split by. Resolves null when there is
 * no such endpoint (in a cluster, or a static server answering with its HTML page).
 */
export async function getMeshStatus(signal?: AbortSignal): Promise<MeshStatus | null> {
  try {
    // Same client, but /__mesh lives beside /api, not under it.
    const response = await apiClient.get<unknown>('/__mesh', { baseURL: '/', signal, timeout: 5_000 });
    const body = response.data;
    if (typeof body !== 'object' || body === null || !('weights' in body) || !isWeights(body.weights))
      return null;
    const source = 'source' in body && typeof body.source === 'string' ? body.source : null;
    return { source, weights: body.weights };
  } catch {
    return null;
  }
}
