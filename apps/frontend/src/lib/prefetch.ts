import type { ApiResult } from '../types/api';

// Requests started before React renders, keyed like useApiQuery. The first query with the same key adopts the
// promise instead of sending its own request, so the initial route's data is on its way while the JS boots.
const started = new Map<string, { promise: Promise<ApiResult<unknown>>; at: number }>();

// A prefetch older than this is not adopted (the user went elsewhere first); the query fetches afresh.
const maxAgeMs = 10_000;

export function prefetch<T>(key: string, fetcher: () => Promise<ApiResult<T>>): void {
  if (started.has(key)) return;
  const promise = fetcher();
  // The adopting query reports failures; an unadopted prefetch must not be an unhandled rejection.
  promise.catch(() => {});
  started.set(key, { promise, at: Date.now() });
}

/**
 * The prefetched request for `key`, if any and recent. It stays available until `forgetPrefetched` (called once
 * a query has used its answer), so a mount that is cancelled and repeated — React StrictMode — adopts it too.
 */
export function peekPrefetched<T>(key: string): Promise<ApiResult<T>> | undefined {
  const entry = started.get(key);
  if (!entry) return undefined;
  if (Date.now() - entry.at > maxAgeMs) {
    started.delete(key);
    return undefined;
  }
  return entry.promise as Promise<ApiResult<T>>;
}

export function forgetPrefetched(key: string): void {
  started.delete(key);
}
