import type { ServedBy } from '../types/api';
import { createStore, useStore } from './create-store';

export type LastServedBy = ServedBy & { at: number };

/** The backend that answered the most recent API response; null until the first one arrives. */
export const backendVersionStore = createStore<LastServedBy | null>(null);

export function recordServedBy(servedBy: ServedBy): void {
  if (!servedBy.version && !servedBy.catalogue) return;
  backendVersionStore.set({ ...servedBy, at: Date.now() });
}

export function useLastServedBy(): LastServedBy | null {
  return useStore(backendVersionStore);
}
