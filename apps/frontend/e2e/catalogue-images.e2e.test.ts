import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { layoutShift, movieIdOf, poll, screenshot } from './harness/catalogue-browser';
import { catalogueSession } from './harness/catalogue-session';
import { browserGate } from './harness/chromium';
import { backdropWidths, type FilmFact, parseImageUrl, posterWidths, readFacts } from './harness/tmdb-images';

const catalogues = [
  { version: 'v1', name: 'bollywood' },
  { version: 'v2', name: 'hollywood' },
] as const;

/** The image inside a poster or backdrop frame, once loaded: its width and path on TMDB's CDN. */
async function loadedImage(frame: Locator) {
  const image = frame.locator('img');
  await poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(
    true,
  );
  return parseImageUrl(await image.evaluate((img: HTMLImageElement) => img.currentSrc));
}

/** Every requested URL is a TMDB size of a poster or backdrop path the facts list for this catalogue. */
function strayImageRequests(requests: string[], facts: Map<number, FilmFact>): string[] {
  const posters = new Set([...facts.values()].map((film) => film.poster_path));
  const backdrops = new Set([...facts.values()].map((film) => film.backdrop_path));
  return requests.filter((url) => {
    const image = parseImageUrl(url);
    if (!image) return true;
    if (posterWidths.includes(image.width)) return !posters.has(image.path);
    return !(backdropWidths.includes(image.width) && backdrops.has(image.path));
  });
}

const blockedImageLine = /Failed to load resource: net::ERR_BLOCKED_BY_CLIENT/;

describe.runIf(browserGate.run)('TMDB posters and backdrops in Chromium', () => {
  const session = catalogueSession();

  it.each(catalogues)(
    '$version home: hero and row images load from the facts’ paths (fixture JPEG), CLS ≤ 0.1',
    async ({ version, name }) => {
      const facts = readFacts(name);
      const { page, imageRequests, problems } = await session.open('fixture');
      await page.goto(session.url(version));
      const hero = page.locator('.hero');
      await hero.waitFor();
      const featured = facts.get(movieIdOf(await hero.locator('a.hero__details').getAttribute('href')));
      if (!featured) throw new Error('the featured film is not in the facts');
      const backdrop = await loadedImage(hero.locator('.hero__backdrop'));
      expect(backdrop?.path).toBe(featured.backdrop_path);
      expect(backdropWidths).toContain(backdrop?.width);
      const poster = await loadedImage(hero.locator('.hero__poster'));
      expect(poster?.path).toBe(featured.poster_path);
      expect(posterWidths).toContain(poster?.width);

      // The cards that fill the first row at 1366 px: each shows its own film's poster.
      const cards = page.locator('.genre-row').first().locator('.movie-card');
      for (let index = 0; index < 7; index += 1) {
        const card = cards.nth(index);
        const film = facts.get(movieIdOf(await card.locator('a').getAttribute('href')));
        if (!film) throw new Error(`card ${index} shows a film that is not in the facts`);
        if (film.poster_path === null) {
          expect(await card.getByTestId('poster-placeholder').count()).toBe(1);
          continue;
        }
        expect((await loadedImage(card.locator('.movie-card__poster')))?.path).toBe(film.poster_path);
      }
      expect(imageRequests.length).toBeGreaterThan(8);
      expect(strayImageRequests(imageRequests, facts)).toEqual([]);

      const shift = await layoutShift(page);
      console.log(`[cls] ${version} home with fixture images: ${shift.total.toFixed(4)}`, shift.shifts);
      expect(shift.total).toBeLessThanOrEqual(0.1);
      await screenshot(page, `home-${version}`);
      expect(problems).toEqual([]);
    },
  );

  it('with the image host blocked, posters and backdrops are placeholders and nothing shifts', async () => {
    const { page, imageRequests, problems } = await session.open('blocked');
    await page.goto(session.url('v1'));
    const hero = page.locator('.hero');
    await hero.waitFor();
    await poll(() => hero.getByTestId('backdrop-placeholder').count()).toBe(1);
    await poll(() => hero.getByTestId('poster-placeholder').count()).toBe(1);
    const cards = page.locator('.genre-row').first().locator('.movie-card');
    for (let index = 0; index < 7; index += 1) {
      await poll(() => cards.nth(index).getByTestId('poster-placeholder').count()).toBe(1);
    }
    // The UI did ask the host (so the placeholders replaced failed images, not missing paths).
    expect(imageRequests.length).toBeGreaterThan(8);
    const shift = await layoutShift(page);
    console.log(`[cls] v1 home with the image host blocked: ${shift.total.toFixed(4)}`, shift.shifts);
    expect(shift.total).toBeLessThanOrEqual(0.1);
    await screenshot(page, 'home-images-blocked');
    expect(problems.filter((line) => !blockedImageLine.test(line))).toEqual([]);
  });

  it('the detail page shows the film’s backdrop and poster, its date as a date, genres linking to browse', async () => {
    const facts = readFacts('bollywood');
    const { page, problems } = await session.open('fixture');
    const film = [...facts.values()].find((candidate) => candidate.poster_path && candidate.backdrop_path);
    if (!film) throw new Error('no film with both images');
    await page.goto(session.url('v1', `/movie/${film.id}`));
    await page.locator('.movie-detail').waitFor();
    expect((await loadedImage(page.locator('.movie-detail__backdrop')))?.path).toBe(film.backdrop_path);
    expect((await loadedImage(page.locator('.movie-detail__poster')))?.path).toBe(film.poster_path);
    const expected = new Intl.DateTimeFormat('en-GB', {
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      timeZone: 'UTC',
    }).format(new Date(`${film.release_date}T00:00:00Z`));
    const released = page.locator(`time[datetime="${film.release_date}"]`);
    expect(await released.textContent()).toBe(expected);
    expect(expected).toMatch(/^\d{1,2} [A-Z][a-z]+ \d{4}$/);
    const chips = page.getByRole('list', { name: 'Genres' }).getByRole('link');
    expect(await chips.evaluateAll((links) => links.map((link) => link.getAttribute('href')))).toEqual(
      film.genre_ids.map((id) => `/browse?genre=${id}`),
    );
    await screenshot(page, 'detail');
    await chips.first().click();
    await page.waitForURL(`**/browse?genre=${film.genre_ids[0]}`);
    await page.locator('[data-testid="movie-grid"]').waitFor();
    expect(problems).toEqual([]);
  });

  it('the CSP allows images from TMDB’s host and no other', async () => {
    const { page } = await session.open('fixture');
    const response = await page.goto(session.url('v1'));
    expect(response?.headers()['content-security-policy']).toMatch(
      /img-src 'self' https:\/\/image\.tmdb\.org data:;/,
    );
    await page.locator('.hero').waitFor();
    const blocked = await page.evaluate(
      () =>
        new Promise<string>((resolve) => {
          document.addEventListener('securitypolicyviolation', (event) => resolve(event.blockedURI), {
            once: true,
          });
          const image = new Image();
          image.src = 'https://images.example.org/poster.jpg';
        }),
    );
    expect(blocked).toBe('https://images.example.org/poster.jpg');
  });
});
