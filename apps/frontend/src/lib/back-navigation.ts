import type { Location } from 'react-router';

/** Carried in the history entry of a detail page: the list the user came from, to go back to it. */
export type BackState = { from: { pathname: string; search: string; label: string } };

const listLabels: Record<string, string> = { '/': 'Home', '/browse': 'Browse' };

/** The state a link to a detail page carries: where it was followed from (Home or Browse), if a list. */
export function backStateFrom(location: Pick<Location, 'pathname' | 'search'>): BackState | undefined {
  const label = listLabels[location.pathname];
  return label ? { from: { pathname: location.pathname, search: location.search, label } } : undefined;
}

export function readBackState(state: unknown): BackState['from'] | null {
  if (typeof state !== 'object' || state === null || !('from' in state)) return null;
  const from = (state as Partial<BackState>).from;
  if (!from || typeof from.pathname !== 'string' || typeof from.search !== 'string') return null;
  const label = listLabels[from.pathname];
  return label ? { pathname: from.pathname, search: from.search, label } : null;
}
