import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { seededRandom } from '@movies/contracts/random';
import { type LocalStack, startLocalStack } from '@movies/gateway/testing';
import { waitFor } from '@movies/testkit';
import { type Browser, type BrowserContext, chromium, type Page, type Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserGate, chromiumArgs } from './harness/chromium';
import { chromiumPath, distDir, repoRoot, screenshotDir } from './harness/paths';
import { type StaticServer, startStaticServer } from './harness/static-server';

// Issue 11 on the real local stack: the built UI behind the local gateway (apps/gateway, routing by the k8s/
// overlays' VirtualServices with their sticky-session rules), backends v1 (Bollywood) and v2 (Hollywood), at
// 80-20 unless a test switches it, exactly as `pnpm dev` routes.

const execFileAsync = promisify(execFile);

/** A 1×1 PNG, served for every poster so the pages render as with images and without the network. */
const pixel = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

/** The main content's API call on each page (home feed, grid, detail): what the header badge must name. */
const mainContent = /^\/api\/(home|movies|movies\/\d+)$/;

type Visitor = {
  context: BrowserContext;
  page: Page;
  /** x-backend-version of every main-content answer, in order. */
  mainVersions: string[];
  problems: string[];
  lastMain: () => string | undefined;
};

describe.runIf(browserGate.run)(
  'canary in Chromium: one version per visitor, and a UI that tells the truth',
  () => {
    let browser: Browser;
    let ui: StaticServer;
    let stack: LocalStack;
    const contexts: BrowserContext[] = [];

    beforeAll(async () => {
      browserGate.assertAvailable();
      mkdirSync(screenshotDir, { recursive: true });
      // The gateway sends every non-/api/ path to the UI (VirtualService movie-frontend): here the production build.
      ui = await startStaticServer({ distDir, pickUpstream: () => 'http://127.0.0.1:9' });
      stack = await startLocalStack({
        overlay: '80-20',
        gateway: { upstreams: { 'movie-frontend': ui.url } },
      });
      browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, headless: true });
    });

    afterAll(async () => {
      await Promise.all(contexts.map((context) => context.close().catch(() => {})));
      await browser?.close();
      await stack?.close();
      await ui?.close();
    });

    /** A fresh browser context: a new visitor with an empty cookie jar. */
    async function newVisitor(viewport = { width: 1280, height: 900 }): Promise<Visitor> {
      const context = await browser.newContext({ viewport });
      contexts.push(context);
      const mainVersions: string[] = [];
      const problems: string[] = [];
      // Nothing leaves the machine: posters from the TMDB image host get a stand-in image, anything else fails.
      await context.route(
        (url) => url.hostname !== '127.0.0.1',
        (route) => {
          if (route.request().resourceType() === 'image')
            return route.fulfill({ contentType: 'image/png', body: pixel });
          problems.push(`request left the machine: ${route.request().url()}`);
          return route.abort();
        },
      );
      const page = await context.newPage();
      page.on('response', (response: Response) => {
        if (mainContent.test(new URL(response.url()).pathname)) {
          mainVersions.push(response.headers()['x-backend-version'] ?? 'none');
        }
      });
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
      });
      return { context, page, mainVersions, problems, lastMain: () => mainVersions.at(-1) };
    }

    const badge = (page: Page) => page.getByTestId('version-badge');

    /** Waits for the page's main content, then checks the badge names the version that served it. */
    async function expectBadgeMatchesMain(visitor: Visitor, answersBefore: number): Promise<string> {
      const { page } = visitor;
      await waitFor(
        async () =>
          visitor.mainVersions.length > answersBefore &&
          (await badge(page)
            .getAttribute('data-state')
            .catch(() => null)) === 'served',
        'the main content and the badge',
      );
      const served = visitor.lastMain();
      expect(await badge(page).getAttribute('data-version')).toBe(served);
      return served ?? 'none';
    }

    const switchTo = async (overlay: string) => {
      // The same command a person runs; it switches the local gateway through PUT /__mesh.
      await execFileAsync('pnpm', ['traffic', 'set', overlay, '--url', stack.gatewayUrl], { cwd: repoRoot });
      await waitFor(() => stack.gateway.state().source === overlay, `the gateway to route by ${overlay}`);
    };

    it('30 card clicks over 10 fresh visitors at 80-20: no "Movie not found", and the badge always names the main content’s version', async () => {
      await switchTo('80-20');
      // Seeded choices, so a run's card clicks are the same every time.
      const random = seededRandom(20_240_611);
      const landed: Record<string, number> = {};
      let notFound = 0;
      let clicks = 0;
      for (let index = 0; index < 10; index += 1) {
        const visitor = await newVisitor();
        const { page } = visitor;
        // Half start on browse, whose first load sends two requests at once (genres and the grid).
        await page.goto(`${stack.gatewayUrl}${index % 2 === 0 ? '/' : '/browse'}`);
        const version = await expectBadgeMatchesMain(visitor, 0);
        landed[version] = (landed[version] ?? 0) + 1;
        for (let click = 0; click < 3; click += 1) {
          const cards = page.locator('.movie-card__link');
          await cards.first().waitFor();
          const count = await cards.count();
          const card = cards.nth(Math.floor(random() * Math.min(count, 24)));
          await card.scrollIntoViewIfNeeded();
          const before = visitor.mainVersions.length;
          await card.click();
          await page.waitForURL(/\/movie\/\d+$/);
          await page.locator('.movie-detail, [data-testid="not-found"]').first().waitFor();
          clicks += 1;
          if ((await page.getByTestId('not-found').count()) > 0) notFound += 1;
          expect(await expectBadgeMatchesMain(visitor, before)).toBe(version);
          // Back to the grid (fetched again): still the same version.
          const beforeBack = visitor.mainVersions.length;
          await page.goBack();
          expect(await expectBadgeMatchesMain(visitor, beforeBack)).toBe(version);
        }
        // Every main answer of the visit came from the version the visitor landed on.
        expect(new Set(visitor.mainVersions), `visitor ${index}`).toEqual(new Set([version]));
        expect(visitor.problems, `visitor ${index}`).toEqual([]);
        await visitor.context.close();
      }
      console.log(
        `[canary] ${clicks} card clicks over 10 visitors (landed: ${JSON.stringify(landed)}): ${notFound} not found`,
      );
      expect(clicks).toBe(30);
      expect(notFound).toBe(0);
    }, 600_000);

    it('a visitor pinned to v2 lands on v1 without an error page after `pnpm traffic set 100-0`', async () => {
      await switchTo('80-20');
      const visitor = await newVisitor();
      const { page, context } = visitor;
      // Pinned as the mesh pins: the cookie a v2 answer sets (a person may also set it to choose a version).
      await context.addCookies([{ name: 'movie-version', value: 'v2', url: stack.gatewayUrl }]);
      await page.goto(`${stack.gatewayUrl}/browse`);
      expect(await expectBadgeMatchesMain(visitor, 0)).toBe('v2');

      await switchTo('100-0');
      // The next page the visitor opens: the pin to v2 no longer holds, so v1 answers (and re-pins).
      const before = visitor.mainVersions.length;
      await page.getByRole('link', { name: 'Home' }).click();
      expect(await expectBadgeMatchesMain(visitor, before)).toBe('v1');
      expect(await page.getByRole('alert').count()).toBe(0);
      expect(await page.getByTestId('not-found').count()).toBe(0);
      const cookies = await context.cookies(stack.gatewayUrl);
      expect(cookies.find((cookie) => cookie.name === 'movie-version')?.value).toBe('v1');
      // And the next card opens normally, from v1.
      const beforeCard = visitor.mainVersions.length;
      await page.locator('.movie-card__link').first().click();
      await page.locator('.movie-detail').waitFor();
      expect(await expectBadgeMatchesMain(visitor, beforeCard)).toBe('v1');
      expect(visitor.problems).toEqual([]);
      await switchTo('80-20');
    }, 180_000);

    it('traffic sent with curl shows on /traffic, within the page’s 1 s poll', async () => {
      await switchTo('80-20');
      const visitor = await newVisitor();
      const { page } = visitor;
      await page.goto(`${stack.gatewayUrl}/traffic`);
      await page.getByTestId('configured-split-values').waitFor();
      expect(await page.getByTestId('configured-split-values').textContent()).toBe('v1 80 %, v2 20 %');
      const totalOf = async () => {
        const read = async (version: string) =>
          Number(await page.getByTestId(`total-requests-${version}`).textContent());
        return (await read('v1')) + (await read('v2'));
      };
      const before = await totalOf();
      // What curl does: plain requests, no cookie.
      const sent = 60;
      await Promise.all(
        Array.from({ length: sent }, () => fetch(`${stack.gatewayUrl}/api/`).then((r) => r.arrayBuffer())),
      );
      const answeredAt = performance.now();
      await waitFor(
        async () => (await totalOf()) >= before + sent,
        `the page to count ${sent} more requests`,
      );
      const shownAfterMs = Math.round(performance.now() - answeredAt);
      console.log(
        `[canary] ${sent} curl-like requests showed on /traffic ${shownAfterMs} ms after their answers`,
      );
      expect(await page.getByTestId('observed-split').textContent()).toMatch(/\d+ requests/);
      expect(visitor.problems).toEqual([]);
    }, 120_000);

    it('the premium notice appears under 80-20 and not under header-routing', async () => {
      await switchTo('80-20');
      const visitor = await newVisitor();
      const { page } = visitor;
      await page.goto(stack.gatewayUrl);
      await expectBadgeMatchesMain(visitor, 0);
      const before = visitor.mainVersions.length;
      await page.getByRole('switch', { name: 'Premium user' }).check();
      await expectBadgeMatchesMain(visitor, before);
      await page.getByTestId('premium-notice').waitFor();
      expect(await page.getByTestId('premium-notice').textContent()).toContain(
        'pnpm traffic set header-routing',
      );
      expect(await page.getByTestId('premium-routing').textContent()).toBe('routing off');
      await page.screenshot({ path: join(screenshotDir, 'premium-notice-80-20.png') });

      await switchTo('header-routing');
      const beforeReload = visitor.mainVersions.length;
      await page.reload();
      expect(await expectBadgeMatchesMain(visitor, beforeReload)).toBe('v2');
      await waitFor(
        async () =>
          (await page
            .getByTestId('premium-routing')
            .textContent()
            .catch(() => '')) === 'routing on',
        'the toggle to say premium routing is on',
      );
      expect(await page.getByTestId('premium-notice').count()).toBe(0);
      expect(visitor.problems).toEqual([]);
      await switchTo('80-20');
    }, 180_000);

    it('/traffic at 1366 px and 390 px, with traffic flowing: screenshots, and no sideways scrolling on a phone', async () => {
      await switchTo('80-20');
      for (const width of [1366, 390]) {
        const visitor = await newVisitor({ width, height: width > 600 ? 1000 : 844 });
        const { page } = visitor;
        await page.goto(`${stack.gatewayUrl}/traffic`);
        await page.getByLabel('Requests per second').fill('20');
        await page.getByRole('button', { name: 'Start' }).click();
        // Some background traffic as curl would send it, so the chart has both versions.
        const background = setInterval(() => void fetch(`${stack.gatewayUrl}/api/`).catch(() => {}), 100);
        try {
          await waitFor(
            async () =>
              (await page.locator('.recharts-line-curve').count()) >= 2 &&
              // About 10 s of the page's own traffic, so the chart shows the shares moving over time.
              (await page.getByTestId('own-sent').textContent().then(Number)) >= 200,
            'the chart to draw both versions over some seconds',
          );
        } finally {
          clearInterval(background);
        }
        await page.getByRole('button', { name: 'Stop' }).click();
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow).toBeLessThanOrEqual(0);
        await page.screenshot({ path: join(screenshotDir, `traffic-${width}.png`), fullPage: true });
        expect(visitor.problems).toEqual([]);
      }
    }, 180_000);
  },
);
