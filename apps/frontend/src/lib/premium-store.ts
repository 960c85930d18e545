import { createStore, useStore } from './create-store';

// Shared, not in features/premium-user: the api-client sends the premium header from it, the visitor pin's gate
// re-opens when it changes and every query refetches on it (use-api-query); lib/ never imports a feature.
// Persisted so a reload (the way to watch routing alternate) keeps the chosen user type.
const storageKey = 'movies.premium-user';

function readPersisted(): boolean {
  try {
    return globalThis.localStorage?.getItem(storageKey) === 'true';
  } catch {
    return false;
  }
}

export const premiumStore = createStore<boolean>(readPersisted());

export function setPremiumUser(enabled: boolean): void {
  premiumStore.set(enabled);
  try {
    globalThis.localStorage?.setItem(storageKey, String(enabled));
  } catch {
    // Private mode or disabled storage: the toggle still works for this page view.
  }
}

export function usePremiumUser(): boolean {
  return useStore(premiumStore);
}
