import type { ApiResult, Genre } from '../types/api';
import { apiGet } from './api-client';

/** GET /genres — accepts a bare list or `{ genres: [...] }`. Shared by browse and movie detail. */
export async function getGenres(signal?: AbortSignal): Promise<ApiResult<Genre[]>> {
  const result = await apiGet<Genre[] | { genres?: Genre[] }>('/genres', { signal });
  const genres = Array.isArray(result.data) ? result.data : (result.data.genres ?? []);
  return { data: genres, servedBy: result.servedBy };
}
