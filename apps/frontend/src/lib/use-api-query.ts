import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiResult, ServedBy } from '../types/api';
import { type ApiError, isCancel, toApiError } from './api-client';
import { clearMainContent, type MainContent, reportMainContent } from './backend-version-store';
import { forgetPrefetched, peekPrefetched } from './prefetch';
import { usePremiumUser } from './premium-store';
import { useQuerySettings } from './query-settings';
import { useVisit } from './visitor-pin';

export type QueryState<T> =
  | { status: 'loading'; isSlow: boolean; data: undefined; servedBy: null; error: null }
  | { status: 'error'; isSlow: false; data: undefined; servedBy: null; error: ApiError }
  | { status: 'success'; isSlow: false; data: T; servedBy: ServedBy; error: null };

export type QueryResult<T> = QueryState<T> & { retry: () => void };

const loadingState = (isSlow: boolean) =>
  ({ status: 'loading', isSlow, data: undefined, servedBy: null, error: null }) as const;

export type QueryOptions = {
  /** This query is the page's main content (home feed, grid, detail): the header badge shows who served it. */
  main?: boolean;
};

function mainContentOf(servedBy: ServedBy | null, error: ApiError | null, premium: boolean): MainContent {
  // An error the backend answered (a 404) was still served by that version.
  const answeredBy = servedBy ?? error?.servedBy;
  if (answeredBy?.version) {
    return { status: 'served', version: answeredBy.version, servedBy: answeredBy, premium, at: Date.now() };
  }
  if (error) return { status: 'failed', version: error.version };
  return { status: 'loading', version: null };
}

/** Reports a main query's state to the badge while the query is mounted. */
function useReportMainContent(main: boolean, state: QueryState<unknown>, premium: boolean): void {
  const owner = useRef(Symbol('main content'));
  const { servedBy, error } = state;
  useEffect(() => {
    if (main) reportMainContent(owner.current, mainContentOf(servedBy, error, premium));
  }, [main, servedBy, error, premium]);
  useEffect(() => {
    const current = owner.current;
    return () => clearMainContent(current);
  }, []);
}

/**
 * Runs `fetcher` whenever `key` changes (or on retry, when the premium toggle flips, or for a new visitor),
 * cancelling the previous request, and reports loading / slow / error / success. An answer for an earlier key is
 * never shown under the current one.
 */
export function useApiQuery<T>(
  key: string,
  fetcher: (signal: AbortSignal) => Promise<ApiResult<T>>,
  { main = false }: QueryOptions = {},
): QueryResult<T> {
  const { slowAfterMs } = useQuerySettings();
  // Switching the premium toggle may route to another version: fetch again so the page shows it.
  const premium = usePremiumUser();
  const visit = useVisit();
  const [attempt, setAttempt] = useState(0);
  const requestId = `${key}\n${attempt}\n${premium}\n${visit}`;
  const [tagged, setTagged] = useState<{ requestId: string; state: QueryState<T> } | null>(null);
  const fetcherRef = useRef(fetcher);
  const initial = useRef({ premium, visit });
  const firstContext = useRef(true);
  if (premium !== initial.current.premium || visit !== initial.current.visit) firstContext.current = false;
  fetcherRef.current = fetcher;

  // biome-ignore lint/correctness/useExhaustiveDependencies: requestId already encodes key and attempt.
  useEffect(() => {
    const controller = new AbortController();
    // Only a first plain load can use a prefetch: a retry, a premium flip or a new visitor must really ask again.
    const prefetched = attempt === 0 && firstContext.current ? peekPrefetched<T>(key) : undefined;
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
  useReportMainContent(main, state, premium);
  return { ...state, retry };
}
