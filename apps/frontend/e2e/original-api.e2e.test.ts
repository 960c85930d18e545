import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CATALOGUE_HEADER, VERSION_HEADER, VISITOR_COOKIE } from '@movies/contracts/names';
import {
  originalAllGenresAnswerSchema,
  originalGenresAnswerSchema,
  originalMovieDetailSchema,
  originalMoviePageSchema,
} from '@movies/contracts/original-api';
import { seededRandom } from '@movies/contracts/random';
import { type LocalStack, startLocalStack } from '@movies/gateway/testing';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserGate, chromiumArgs } from './harness/chromium';
import { chromiumPath } from './harness/paths';
import { type StaticServer, startStaticServer } from './harness/static-server';

// Issue 23: the seed's own UI (the movie-verse frontend) keeps working with our backend. A small page
// (original-ui/index.html) makes exactly that UI's five API calls, in a real Chromium, through the real local
// gateway routing by the k8s/ overlays (80-20, then 50-50, with the sticky-sessions cookie) to the built backends.

const pageDir = join(dirname(fileURLToPath(import.meta.url)), 'original-ui');
const VISITORS = 10;
const CATALOGUE_OF: Record<string, string> = { v1: 'bollywood', v2: 'hollywood' };

type Call = {
  path: string;
  status: number;
  version: string | null;
  catalogue: string | null;
  body: unknown;
  error: string | null;
};

type Schema = {
  safeParse(value: unknown): { success: boolean; data?: unknown; error?: { message: string } };
};

/** The original UI's calls, in the order the page makes them: the ids are taken from the answers before. */
const EXPECTED: Array<[RegExp, Schema]> = [
  [/^\/movies\/all-genres\?limit_per_genre=5$/, originalAllGenresAnswerSchema],
  [/^\/genres$/, originalGenresAnswerSchema],
  [/^\/movies\/genre\/\d+\?page=1$/, originalMoviePageSchema],
  [/^\/movies\/search\?query=love&page=1$/, originalMoviePageSchema],
  [/^\/movie\/\d+$/, originalMovieDetailSchema],
];

describe.runIf(browserGate.run)('the original UI’s five API calls in Chromium, through the gateway', () => {
  let browser: Browser;
  let page: StaticServer;
  let stack: LocalStack;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    browserGate.assertAvailable();
    // The gateway sends every non-/api/ path to the UI (VirtualService movie-frontend): here the small page.
    page = await startStaticServer({ distDir: pageDir, pickUpstream: () => 'http://127.0.0.1:9' });
    stack = await startLocalStack({
      overlay: '80-20',
      // Seeded routing draws: each run sends the same visitors to the same versions.
      gateway: { upstreams: { 'movie-frontend': page.url }, random: seededRandom(23_2026) },
    });
    browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, headless: true });
  });

  afterAll(async () => {
    await Promise.all(contexts.map((context) => context.close().catch(() => {})));
    await browser?.close();
    await stack?.close();
    await page?.close();
  });

  /** One visitor (a fresh cookie jar) opens the page; returns its calls as the page saw them, and as the network did. */
  async function visit(): Promise<{
    calls: Call[];
    apiRequests: string[];
    cookie?: string;
    problems: string[];
  }> {
    const context = await browser.newContext();
    contexts.push(context);
    const problems: string[] = [];
    await context.route(
      (url) => url.hostname !== '127.0.0.1',
      (route) => {
        problems.push(`request left the machine: ${route.request().url()}`);
        return route.abort();
      },
    );
    const tab = await context.newPage();
    const apiRequests: string[] = [];
    tab.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname.startsWith('/api/'))
        apiRequests.push(`${request.method()} ${url.pathname}${url.search}`);
    });
    tab.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    await tab.goto(`${stack.gatewayUrl}/?query=love`);
    await tab.waitForSelector('body[data-done="true"]');
    const calls = await tab.evaluate(() => (window as unknown as { __calls: Call[] }).__calls);
    const cookie = (await context.cookies(stack.gatewayUrl)).find((c) => c.name === VISITOR_COOKIE)?.value;
    await context.close();
    return { calls, apiRequests, cookie, problems };
  }

  it.each(['80-20', '50-50'])(
    'at %s: each visitor’s five answers have the original shapes and all come from one version',
    async (overlay) => {
      await stack.gateway.useOverlay(overlay);
      expect(stack.gateway.state().source).toBe(overlay);
      const landed: Record<string, number> = {};
      for (let index = 0; index < VISITORS; index += 1) {
        const { calls, apiRequests, cookie, problems } = await visit();
        const who = `${overlay} visitor ${index}`;
        expect(problems, who).toEqual([]);
        // Exactly the original UI's five calls went out, nothing else.
        expect(apiRequests, who).toEqual(calls.map((call) => `GET /api${call.path}`));
        expect(calls.map((call) => call.path)).toHaveLength(EXPECTED.length);
        calls.forEach((call, position) => {
          const [path, schema] = EXPECTED[position] as [RegExp, Schema];
          expect(call.path, who).toMatch(path);
          expect(call.status, `${who} ${call.path}: ${JSON.stringify(call.body).slice(0, 200)}`).toBe(200);
          const parsed = schema.safeParse(call.body);
          expect(parsed.success, `${who} ${call.path}: ${parsed.error?.message}`).toBe(true);
          // Strict for the original's own paths; GET /genres is ours, a superset of the original's answer.
          if (call.path !== '/genres') expect(parsed.data, `${who} ${call.path}`).toEqual(call.body);
        });
        // One version for the whole visit, named the same by every answer's headers and by the sticky cookie.
        const versions = new Set(calls.map((call) => call.version));
        expect(versions.size, `${who}: ${[...versions].join(', ')}`).toBe(1);
        const version = calls[0]?.version ?? 'none';
        expect(Object.keys(CATALOGUE_OF), who).toContain(version);
        expect(new Set(calls.map((call) => call.catalogue)), who).toEqual(new Set([CATALOGUE_OF[version]]));
        expect(cookie, who).toBe(version);
        // The detail is the film the genre page listed first, from the same catalogue.
        const genrePage = calls[2]?.body as { results: Array<{ id: number }> };
        expect(calls[4]?.path).toBe(`/movie/${genrePage.results[0]?.id}`);
        landed[version] = (landed[version] ?? 0) + 1;
      }
      console.log(`[original-api] ${overlay}: ${VISITORS} visitors landed ${JSON.stringify(landed)}`);
      // A split shows: v1 takes visitors at both splits; at 50-50 (seeded draws) v2 takes some too.
      expect(landed.v1 ?? 0).toBeGreaterThan(0);
      if (overlay === '50-50') expect(landed.v2 ?? 0).toBeGreaterThan(0);
    },
    180_000,
  );

  it('identity headers name the answering version on every call, error answers included', async () => {
    await stack.gateway.useOverlay('80-20');
    for (const path of ['/api/movie/abc', '/api/movies/genre/99999', '/api/movies/search']) {
      const response = await fetch(`${stack.gatewayUrl}${path}`, {
        headers: { cookie: `${VISITOR_COOKIE}=v2` },
      });
      expect(response.status, path).toBeGreaterThanOrEqual(400);
      expect(response.status, path).toBeLessThan(500);
      expect(response.headers.get(VERSION_HEADER), path).toBe('v2');
      expect(response.headers.get(CATALOGUE_HEADER), path).toBe('hollywood');
      expect(Object.keys((await response.json()) as object), path).toEqual(['detail']);
    }
  });
});
