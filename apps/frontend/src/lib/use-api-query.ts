import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiResult, ServedBy } from '../types/api';
import { type ApiError, isCancel, toApiError } from './api-client';
import { forgetPrefetched, peekPrefetched } from './prefetch';
import { usePremiumUser } from './premium-store';
import { useQuerySettings } from './query-settings';

export type QueryState<T> =
  | { status: 'loading'; isSlow: boolean; data: undefined; servedBy: null; error: null }
  | { status: 'error'; isSlow: false; data: undefined; servedBy: null; error: ApiError }
  | { status: 'success'; isSlow: false; data: T; servedBy: ServedBy; error: null };

export type QueryResult<T> = QueryState<T> & { retry: () => void };

const loadingState = (isSlow: boolean) =>
  ({ status: 'loading', isSlow, data: undefined, servedBy: null, error: null }) as const;

/**
 * Runs `fetcher` whenever `key` changes (or on retry, or when the premium toggle flips), cancelling the previous
 * request, and reports loading / slow / error / success. An answer for an earlier key is never shown under the
 * current one.
 */
export function useApiQuery<T>(
  key: string,
  fetcher: (signal: AbortSignal) => Promise<ApiResult<T>>,
): QueryResult<T> {
  const { slowAfterMs } = useQuerySettings();
  // Switching the premium toggle may route to another version: fetch again so the page shows it.
  const premium = usePremiumUser();
  const [attempt, setAttempt] = useState(0);
  const requestId = `${key}\n${attempt}\n${premium}`;
  const [tagged, setTagged] = useState<{ requestId: string; state: QueryState<T> } | null>(null);
  const fetcherRef = useRef(fetcher);
  const initialPremium = useRef(premium);
  const premiumChanged = useRef(false);
  if (premium !== initialPremium.current) premiumChanged.current = true;
  fetcherRef.current = fetcher;

  // biome-ignore lint/correctness/useExhaustiveDependencies: requestId already encodes key and attempt.
  useEffect(() => {
    const controller = new AbortController();
    // Only a first plain load can use a prefetch: a retry or a premium flip must really ask again.
    const prefetched = attempt === 0 && !premiumChanged.current ? peekPrefetched<T>(key) : undefined;
    const settle = (state: QueryState<T>) => {
      if (controller.signal.aborted) return;
      if (prefetched && state.status !== 'loading') forgetPrefetched(key);
      setTagged({ requestId, state });
    };
    const slowTimer = setTimeout(() => settle(loadingState(true)), slowAfterMs);
    (prefetched ?? fetcherRef.current(controller.signal))
      .then((result) => {
        settle({
          status: 'success',
          isSlow: false,
          data: result.data,
          servedBy: result.servedBy,
          error: null,
        });
      })
      .catch((error: unknown) => {
        if (isCancel(error)) return;
        settle({ status: 'error', isSlow: false, data: undefined, servedBy: null, error: toApiError(error) });
      })
      .finally(() => clearTimeout(slowTimer));
    return () => {
      clearTimeout(slowTimer);
      controller.abort();
    };
  }, [requestId, slowAfterMs]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  const state = tagged?.requestId === requestId ? tagged.state : loadingState(false);
  return { ...state, retry };
}
