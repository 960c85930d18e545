import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiResult, ServedBy } from '../types/api';
import { type ApiError, isCancel, toApiError } from './api-client';
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
 * Runs `fetcher` whenever `key` changes (or on retry, or when the premium toggle flips), cancelling the previous request, and reports loading /
 * slow / error / success. Stale answers of an earlier key are dropped.
 */
export function useApiQuery<T>(key: string, fetcher: (signal: AbortSignal) => Promise<ApiResult<T>>): QueryResult<T> {
  const { slowAfterMs } = useQuerySettings();
  // Switching the premium toggle may route to another version: fetch again so the page shows it.
  const premium = usePremiumUser();
  const [state, setState] = useState<QueryState<T>>(loadingState(false));
  const [attempt, setAttempt] = useState(0);
  const fetcherRef = useRef(fetcher);
  fetcherRef.current = fetcher;

  // biome-ignore lint/correctness/useExhaustiveDependencies: key, attempt and premium are the triggers; fetcher is read via ref.
  useEffect(() => {
    const controller = new AbortController();
    setState(loadingState(false));
    const slowTimer = setTimeout(() => setState((current) => (current.status === 'loading' ? loadingState(true) : current)), slowAfterMs);
    fetcherRef
      .current(controller.signal)
      .then((result) => {
        if (controller.signal.aborted) return;
        setState({ status: 'success', isSlow: false, data: result.data, servedBy: result.servedBy, error: null });
      })
      .catch((error: unknown) => {
        if (controller.signal.aborted || isCancel(error)) return;
        setState({ status: 'error', isSlow: false, data: undefined, servedBy: null, error: toApiError(error) });
      })
      .finally(() => clearTimeout(slowTimer));
    return () => {
      clearTimeout(slowTimer);
      controller.abort();
    };
  }, [key, attempt, premium, slowAfterMs]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return { ...state, retry };
}
