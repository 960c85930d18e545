import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';

// The backend's sort keys (apps/backend: popularity, rating, newest, oldest, title).
export const sortOptions = [
  { value: 'popularity', label: 'Most popular' },
  { value: 'rating', label: 'Highest rated' },
  { value: 'newest', label: 'Newest first' },
  { value: 'oldest', label: 'Oldest first' },
  { value: 'title', label: 'Title A–Z' },
] as const;

export type SortKey = (typeof sortOptions)[number]['value'];
export const defaultSort: SortKey = 'popularity';
export const maxQueryLength = 200;

export type BrowseParams = { genre: number | undefined; sort: SortKey; q: string; page: number };

function positiveInt(raw: string | null): number | undefined {
  if (raw === null || !/^\d{1,9}$/.test(raw)) return undefined;
  const value = Number(raw);
  return value >= 1 ? value : undefined;
}

/** Reads filters, search and page from the URL; a hand-edited bad value falls back to its default. */
export function parseBrowseParams(search: URLSearchParams): BrowseParams {
  const sort = search.get('sort');
  return {
    genre: positiveInt(search.get('genre')),
    sort: sortOptions.some((option) => option.value === sort) ? (sort as SortKey) : defaultSort,
    q: (search.get('q') ?? '').trim().slice(0, maxQueryLength),
    page: positiveInt(search.get('page')) ?? 1,
  };
}

export function toSearchParams(params: BrowseParams): URLSearchParams {
  const search = new URLSearchParams();
  if (params.q) search.set('q', params.q);
  if (params.genre !== undefined) search.set('genre', String(params.genre));
  if (params.sort !== defaultSort) search.set('sort', params.sort);
  if (params.page > 1) search.set('page', String(params.page));
  return search;
}

/** The browse view's state lives in the URL, so a link reproduces the view. */
export function useBrowseParams() {
  const [search, setSearch] = useSearchParams();
  const params = useMemo(() => parseBrowseParams(search), [search]);
  const update = useCallback(
    (change: Partial<BrowseParams>, options: { replace?: boolean } = {}) => {
      // Any filter change starts again at page 1 unless the change is the page itself.
      const next = { ...params, page: 1, ...change };
      setSearch(toSearchParams(next), { replace: options.replace ?? false });
    },
    [params, setSearch],
  );
  return { params, update };
}
