import type { ApiResult, GenresAnswer, GenreWithCount } from '../types/api';
import { apiGet } from './api-client';

/** GET /genres. Shared by browse and movie detail. */
export async function getGenres(signal?: AbortSignal): Promise<ApiResult<GenreWithCount[]>> {
  const result = await apiGet<GenresAnswer>('/genres', { signal });
  return { data: result.data.genres, servedBy: result.servedBy };
}
