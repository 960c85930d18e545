import { apiGet } from '../../../lib/api-client';
import type { ApiResult, HomeFeed } from '../../../types/api';

/** GET /home — featured movies plus the top movies of every genre. */
export async function getHomeFeed(signal?: AbortSignal): Promise<ApiResult<HomeFeed>> {
  const result = await apiGet<Partial<HomeFeed>>('/home', { signal });
  return {
    data: { featured: result.data.featured ?? [], sections: result.data.sections ?? [] },
    servedBy: result.servedBy,
  };
}
