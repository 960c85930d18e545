import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { meshStore } from '../features/premium-user/hooks/use-premium-routing';
import { drawStore } from '../features/visitor/components/new-visitor';
import { backendVersionStore, catalogueStore } from '../lib/backend-version-store';
import { premiumStore } from '../lib/premium-store';
import { resetVisitor } from '../lib/visitor-pin';
import { server } from './server';

// jsdom lacks these browser APIs; recharts' ResponsiveContainer and the layout's scroll reset use them.
class ResizeObserverStub {
  observe() {}
  unobserve() {}
  disconnect() {}
}
globalThis.ResizeObserver ??= ResizeObserverStub as unknown as typeof ResizeObserver;
window.scrollTo = () => {};

// Lazy routes are transformed on first import: give findBy* room on a busy 2-core machine.
configure({ asyncUtilTimeout: 5_000 });

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  cleanup();
  server.resetHandlers();
  server.events.removeAllListeners();
  backendVersionStore.set(null);
  catalogueStore.set({});
  resetVisitor();
  drawStore.set(null);
  meshStore.set(undefined);
  premiumStore.set(false);
  localStorage.clear();
});
afterAll(() => server.close());
