import { apiGet } from '../../../lib/api-client';
import type { ApiResult, HomeAnswer, HomeFeed } from '../../../types/api';

/** Films per genre row: more than the widest screen shows (7), so every row fills it and scrolls for more. */
export const homeRowLength = 10;

/** GET /home — featured movies plus the top movies of every genre, each film once. */
export async function getHomeFeed(signal?: AbortSignal): Promise<ApiResult<HomeFeed>> {
  const result = await apiGet<HomeAnswer>('/home', { signal, params: { per_genre: homeRowLength } });
  return {
    data: { featured: result.data.featured, sections: result.data.sections },
    servedBy: result.servedBy,
  };
}
