import type { ServedBy } from '../types/api';
import { createStore, useStore } from './create-store';

// Shared, not in features/backend-version: use-api-query reports the main content into it, the api-client learns
// catalogues into it, and two features (the badge, premium routing) read it; lib/ never imports a feature.

/**
 * The version behind the current page's MAIN content (home feed, grid, detail): what the header badge shows.
 * Reported by the page's main query (useApiQuery with `main: true`); null on a page without one.
 */
export type MainContent =
  | { status: 'loading'; version: null }
  /** A backend answered (an error answer too, e.g. a 404): `servedBy` comes from its headers. */
  | { status: 'served'; version: string | null; servedBy: ServedBy; premium: boolean; at: number }
  /** No backend answered; `version` is the one the request was for, when known (the visitor's pin). */
  | { status: 'failed'; version: string | null };

type Owned = { owner: symbol; content: MainContent };

export const backendVersionStore = createStore<Owned | null>(null);

export function reportMainContent(owner: symbol, content: MainContent): void {
  backendVersionStore.set({ owner, content });
}

/** Only the query that reported last clears: a page that took over is not wiped by the one that left. */
export function clearMainContent(owner: symbol): void {
  if (backendVersionStore.get()?.owner === owner) backendVersionStore.set(null);
}

export function useMainContent(): MainContent | null {
  return useStore(backendVersionStore)?.content ?? null;
}

// --- Which catalogue each version serves, as the backends said it (x-catalogue) -------------------------
// Learned from answers rather than hard-coded, and kept, so a page without an API call or an error without a
// backend answer can still say "v2 (Hollywood)".

const storageKey = 'movies.catalogues';

function readPersisted(): Record<string, string> {
  try {
    const parsed: unknown = JSON.parse(globalThis.localStorage?.getItem(storageKey) ?? '{}');
    if (typeof parsed !== 'object' || parsed === null) return {};
    return Object.fromEntries(
      Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    );
  } catch {
    return {};
  }
}

export const catalogueStore = createStore<Record<string, string>>(readPersisted());

export function learnCatalogue(servedBy: ServedBy): void {
  const { version, catalogue } = servedBy;
  if (!version || !catalogue || catalogueStore.get()[version] === catalogue) return;
  const next = { ...catalogueStore.get(), [version]: catalogue };
  catalogueStore.set(next);
  try {
    globalThis.localStorage?.setItem(storageKey, JSON.stringify(next));
  } catch {
    // Storage unavailable: known for this page view only.
  }
}

export function catalogueOf(version: string | null): string | null {
  return version ? (catalogueStore.get()[version] ?? null) : null;
}

export function useCatalogueOf(version: string | null): string | null {
  const catalogues = useStore(catalogueStore);
  return version ? (catalogues[version] ?? null) : null;
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** "v2 (Hollywood)", or just "v2" while its catalogue is not known. */
export function versionLabel(version: string, catalogue: string | null = catalogueOf(version)): string {
  return catalogue ? `${version} (${capitalised(catalogue)})` : version;
}
