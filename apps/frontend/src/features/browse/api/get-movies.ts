import { apiGet } from '../../../lib/api-client';
import type { ApiResult, MoviePageAnswer } from '../../../types/api';
import type { BrowseParams } from '../hooks/use-browse-params';

export const perPage = 20;

/** GET /movies with the backend's own parameter names; unset filters are left out of the URL. */
export function getMovies(params: BrowseParams, signal?: AbortSignal): Promise<ApiResult<MoviePageAnswer>> {
  const query: Record<string, string | number> = { page: params.page, per_page: perPage, sort: params.sort };
  if (params.genre !== undefined) query.genre = params.genre;
  if (params.q) query.q = params.q;
  return apiGet<MoviePageAnswer>('/movies', { params: query, signal });
}
