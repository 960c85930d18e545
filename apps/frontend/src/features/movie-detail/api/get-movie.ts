import { apiGet } from '../../../lib/api-client';
import type { ApiResult, MovieAnswer } from '../../../types/api';

/** GET /movies/:id — 404 when this backend's catalogue does not have the movie. */
export function getMovie(id: number, signal?: AbortSignal): Promise<ApiResult<MovieAnswer>> {
  return apiGet<MovieAnswer>(`/movies/${id}`, { signal });
}
