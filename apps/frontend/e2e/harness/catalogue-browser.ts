import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type BackendProcess, startBackend } from '@movies/backend/testing';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { chromiumArgs } from './chromium';
import { chromiumPath, distDir, screenshotDir } from './paths';
import { type StaticServer, startStaticServer } from './static-server';
import { blockImages, drawFixtureJpegs, nginxContentSecurityPolicy, serveFixtureImages } from './tmdb-images';

declare global {
  interface Window {
    __layoutShift?: { total: number; shifts: Array<{ value: number; sources: string[] }> };
  }
}

/** Where the catalogue suites save screenshots: SHOTS_DIR, else apps/frontend/test-output. */
export const shotsDir = process.env.SHOTS_DIR ?? screenshotDir;

export type Images = 'fixture' | 'blocked';

export type CataloguePage = {
  page: Page;
  context: BrowserContext;
  /** Every URL the page asked of the TMDB image host (answered by a fixture or refused). */
  imageRequests: string[];
  /** Console errors and warnings, page errors, CSP violations. */
  problems: string[];
};

/**
 * Real v1 and v2 backends, the production build behind a static server that sends nginx's CSP, and Chromium.
 * The TMDB image host is answered by Playwright routing: fixture JPEGs, or refused.
 */
export class CatalogueBrowser {
  browser!: Browser;
  v1!: BackendProcess;
  v2!: BackendProcess;
  servers: Record<'v1' | 'v2', StaticServer> = {} as Record<'v1' | 'v2', StaticServer>;
  private jpegs!: { poster: Buffer; backdrop: Buffer };
  private contexts: BrowserContext[] = [];

  async start(): Promise<void> {
    mkdirSync(shotsDir, { recursive: true });
    [this.v1, this.v2] = await Promise.all([
      startBackend({ version: 'v1' }),
      startBackend({ version: 'v2' }),
    ]);
    const headers = { 'content-security-policy': nginxContentSecurityPolicy() };
    for (const backend of [this.v1, this.v2]) {
      this.servers[backend.version] = await startStaticServer({
        distDir,
        pickUpstream: () => backend.url,
        headers,
      });
    }
    this.browser = await chromium.launch({
      executablePath: chromiumPath,
      args: chromiumArgs,
      headless: true,
    });
    this.jpegs = await drawFixtureJpegs(this.browser);
  }

  async stop(): Promise<void> {
    await Promise.all(this.contexts.map((context) => context.close().catch(() => {})));
    await this.browser?.close();
    await Promise.all(Object.values(this.servers).map((server) => server.close()));
    await Promise.all([this.v1, this.v2].filter(Boolean).map((backend) => backend.stop()));
  }

  url(version: 'v1' | 'v2', path = '/'): string {
    return `${this.servers[version].url}${path}`;
  }

  async open(images: Images, viewport = { width: 1366, height: 900 }): Promise<CataloguePage> {
    const context = await this.browser.newContext({ viewport });
    this.contexts.push(context);
    const imageRequests: string[] = [];
    if (images === 'fixture') await serveFixtureImages(context, this.jpegs, imageRequests);
    else await blockImages(context, imageRequests);
    await context.addInitScript(recordLayoutShifts);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    return { page, context, imageRequests, problems };
  }
}

/** Sums every layout shift not caused by input: an upper bound of CLS (which takes the worst 5 s window). */
function recordLayoutShifts() {
  window.__layoutShift = { total: 0, shifts: [] };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries() as Array<
      PerformanceEntry & { value: number; hadRecentInput: boolean; sources?: Array<{ node?: Node | null }> }
    >) {
      if (entry.hadRecentInput || !window.__layoutShift) continue;
      window.__layoutShift.total += entry.value;
      const sources = (entry.sources ?? []).map((source) => {
        const node = source.node;
        return node instanceof Element ? `${node.tagName.toLowerCase()}.${node.className}` : String(node);
      });
      window.__layoutShift.shifts.push({ value: entry.value, sources });
    }
  }).observe({ type: 'layout-shift', buffered: true });
}

export async function layoutShift(page: Page) {
  return page.evaluate(() => window.__layoutShift ?? { total: Number.NaN, shifts: [] });
}

export const screenshot = (page: Page, name: string) =>
  page.screenshot({ path: join(shotsDir, `${name}.png`), fullPage: false });

// The machine may be busy (2 cores, other suites): wait generously, on conditions only.
export const poll = <T>(read: () => Promise<T>, timeout = 30_000) =>
  expect.poll(read, { timeout, interval: 200 });

/** The movie id a card or hero link points to. */
export const movieIdOf = (href: string | null) => Number(/\/movie\/(\d+)/.exec(href ?? '')?.[1]);
