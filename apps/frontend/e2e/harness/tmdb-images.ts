import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type FilmFact, loadFacts } from '@movies/backend/testing';
import type { Browser, BrowserContext } from 'playwright-core';
import { repoRoot } from './paths';

export type { FilmFact };

/** TMDB's image host, as the UI's default VITE_TMDB_IMAGE_BASE names it. */
export const tmdbImageHost = 'https://image.tmdb.org';
export const posterWidths = [185, 342, 500];
export const backdropWidths = [780, 1280];

/** The backend's TMDB facts (apps/backend/data/tmdb-facts, or TMDB_FACTS_DIR), the truth the images must match. */
export function readFacts(catalogue: 'bollywood' | 'hollywood'): Map<number, FilmFact> {
  return new Map(loadFacts(catalogue).films.map((film) => [film.id, film]));
}

/** `https://image.tmdb.org/t/p/w342/abc.jpg` → { width: 342, path: '/abc.jpg' }, or null for anything else. */
export function parseImageUrl(url: string): { width: number; path: string } | null {
  const match = /^https:\/\/image\.tmdb\.org\/t\/p\/w(\d+)(\/[A-Za-z0-9._-]+)$/.exec(url);
  return match ? { width: Number(match[1]), path: match[2] ?? '' } : null;
}

/**
 * Fixture JPEGs drawn by Chromium itself (a 2:3 poster and a 16:9 backdrop, each labelled "fixture"), so the
 * suite needs no binary file and no network.
 */
export async function drawFixtureJpegs(browser: Browser): Promise<{ poster: Buffer; backdrop: Buffer }> {
  const page = await browser.newPage({ viewport: { width: 780, height: 513 } });
  try {
    const draw = async (width: number, height: number, colours: string) => {
      await page.setContent(
        `<body style="margin:0"><div style="width:${width}px;height:${height}px;display:grid;place-items:center;` +
          `background:linear-gradient(160deg,${colours});color:#fff;font:700 32px sans-serif">fixture</div></body>`,
      );
      return page.screenshot({ type: 'jpeg', quality: 70, clip: { x: 0, y: 0, width, height } });
    };
    return {
      poster: await draw(342, 513, '#0f766e,#1e1b4b'),
      backdrop: await draw(780, 439, '#7c2d12,#0c4a6e'),
    };
  } finally {
    await page.close();
  }
}

/** Answers every request to the TMDB image host in this context with a fixture JPEG, recording its URL. */
export async function serveFixtureImages(
  context: BrowserContext,
  jpegs: { poster: Buffer; backdrop: Buffer },
  requested: string[],
): Promise<void> {
  await context.route(`${tmdbImageHost}/**`, async (route) => {
    const url = route.request().url();
    requested.push(url);
    const image = parseImageUrl(url);
    if (!image) return route.fulfill({ status: 404, body: 'not a TMDB image URL' });
    const body = backdropWidths.includes(image.width) ? jpegs.backdrop : jpegs.poster;
    return route.fulfill({ status: 200, contentType: 'image/jpeg', body });
  });
}

/** Refuses every request to the TMDB image host in this context (offline, or the host blocked), recording it. */
export async function blockImages(context: BrowserContext, requested: string[]): Promise<void> {
  await context.route(`${tmdbImageHost}/**`, (route) => {
    requested.push(route.request().url());
    return route.abort('blockedbyclient');
  });
}

/** The Content-Security-Policy nginx sends in the frontend image (docker/nginx/security-headers.conf). */
export function nginxContentSecurityPolicy(): string {
  const conf = readFileSync(join(repoRoot, 'docker', 'nginx', 'security-headers.conf'), 'utf8');
  const match = /add_header Content-Security-Policy "([^"]+)"/.exec(conf);
  if (!match?.[1]) throw new Error('docker/nginx/security-headers.conf sets no Content-Security-Policy');
  return match[1];
}
