import { afterAll, beforeAll } from 'vitest';
import { CatalogueBrowser } from './catalogue-browser';
import { browserGate } from './chromium';

/**
 * One CatalogueBrowser for the calling suite: started before its tests (Chromium must be there; generous for a
 * busy machine) and stopped after them.
 */
export function catalogueSession(): CatalogueBrowser {
  const session = new CatalogueBrowser();
  beforeAll(async () => {
    browserGate.assertAvailable();
    await session.start();
  }, 180_000);
  afterAll(() => session.stop());
  return session;
}
