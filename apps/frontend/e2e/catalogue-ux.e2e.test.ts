import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { movieIdOf, poll, screenshot } from './harness/catalogue-browser';
import { catalogueSession } from './harness/catalogue-session';
import { browserGate } from './harness/chromium';

/** Ancestors that clip the element's focus ring (outline + offset), by class name; [] when nothing clips it. */
async function clippedFocusRing(link: Locator) {
  return link.evaluate((element) => {
    const style = getComputedStyle(element);
    const grow = Number.parseFloat(style.outlineWidth) + Number.parseFloat(style.outlineOffset);
    const rect = element.getBoundingClientRect();
    const clippers: string[] = [];
    for (let node = element.parentElement; node && node !== document.body; node = node.parentElement) {
      const css = getComputedStyle(node);
      const clips =
        css.overflowX !== 'visible' || css.overflowY !== 'visible' || css.contentVisibility === 'auto';
      if (!clips) continue;
      const box = node.getBoundingClientRect();
      const left = box.left + node.clientLeft;
      const top = box.top + node.clientTop;
      const inside =
        rect.left - grow >= left - 0.5 &&
        rect.top - grow >= top - 0.5 &&
        rect.right + grow <= left + node.clientWidth + 0.5 &&
        rect.bottom + grow <= top + node.clientHeight + 0.5;
      if (!inside) clippers.push(node.className);
    }
    return { outline: style.outlineStyle, clippers };
  });
}

/** The first card link wholly inside the viewport. */
async function visibleCard(page: Page): Promise<Locator> {
  const links = page.locator('.movie-card__link');
  const index = await links.evaluateAll((elements) =>
    elements.findIndex((element) => {
      const rect = element.getBoundingClientRect();
      return (
        rect.top > 0 && rect.bottom < window.innerHeight && rect.left >= 0 && rect.right <= window.innerWidth
      );
    }),
  );
  if (index < 0) throw new Error('no card is wholly in view');
  return links.nth(index);
}

async function scrollTo(page: Page, top: number) {
  await page.evaluate((y) => window.scrollTo(0, y), top);
  await poll(() => page.evaluate(() => window.scrollY)).toBe(top);
}

describe.runIf(browserGate.run)('the catalogue as a person expects it, in Chromium', () => {
  const session = catalogueSession();

  it('home at 1366 px: each film once, rows fill the width, titles once, focus rings unclipped', async () => {
    const { page, problems } = await session.open('fixture');
    await page.goto(session.url('v1'));
    await page.locator('.genre-row').first().waitFor();
    const heroId = movieIdOf(await page.locator('a.hero__details').getAttribute('href'));
    const cardIds = await page
      .locator('.genre-row .movie-card__link')
      .evaluateAll((links) => links.map((link) => Number(link.getAttribute('href')?.split('/').pop())));
    const shown = [heroId, ...cardIds];
    expect(shown.length).toBeGreaterThan(100);
    expect(shown.filter((id, index) => shown.indexOf(id) !== index)).toEqual([]);

    const rows = await page.locator('.genre-row').evaluateAll((sections) =>
      sections.map((section) => {
        const header = section.querySelector('.genre-row__header')?.getBoundingClientRect();
        const cards = [...section.querySelectorAll('.movie-card')].map((card) =>
          card.getBoundingClientRect(),
        );
        return {
          cards: cards.length,
          leftGap: (cards[0]?.left ?? 0) - (header?.left ?? 0),
          rightGap: (header?.right ?? 0) - (cards[6]?.right ?? 0),
        };
      }),
    );
    for (const row of rows) {
      expect(row.cards).toBeGreaterThanOrEqual(7);
      expect(Math.abs(row.leftGap)).toBeLessThanOrEqual(1);
      expect(Math.abs(row.rightGap)).toBeLessThanOrEqual(1);
    }

    const cards = page.locator('.genre-row').first().locator('.movie-card');
    for (let index = 0; index < 7; index += 1) {
      const card = cards.nth(index);
      const title = (await card.locator('.movie-card__title').textContent()) ?? '';
      expect(await card.locator('.movie-card__poster').textContent()).toBe('');
      expect((await card.textContent())?.split(title).length).toBe(2);
    }

    await page.keyboard.press('Tab'); // keyboard use: programmatic focus then shows the ring
    for (const index of [0, 6]) {
      const link = cards.nth(index).locator('a');
      await link.focus();
      const ring = await clippedFocusRing(link);
      expect(ring.outline).not.toBe('none');
      expect(ring.clippers).toEqual([]);
    }
    expect(problems).toEqual([]);
  });

  it('Back returns to Home or Browse, scrolled where it was', async () => {
    const { page, problems } = await session.open('fixture');
    await page.goto(session.url('v1'));
    await page.locator('.genre-row').nth(3).waitFor();
    await scrollTo(page, 607);
    await (await visibleCard(page)).click();
    await page.waitForURL(/\/movie\/\d+$/);
    await page.locator('.movie-detail').waitFor();
    await page.getByRole('link', { name: '← Back to Home' }).click();
    await page.waitForURL(session.url('v1'));
    await poll(() => page.evaluate(() => window.scrollY)).toBe(607);

    await page.goto(session.url('v1', '/browse?genre=18&sort=rating'));
    await page.locator('[data-testid="movie-grid"]').waitFor();
    await scrollTo(page, 450); // a page of 20 films is about 1450 px tall at 1366 × 900
    await (await visibleCard(page)).click();
    await page.getByRole('link', { name: '← Back to Browse' }).waitFor();
    await page.goBack(); // the browser's own Back button does the same
    await page.waitForURL(session.url('v1', '/browse?genre=18&sort=rating'));
    await poll(() => page.evaluate(() => window.scrollY)).toBe(450);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Drama');
    expect(problems).toEqual([]);
  });

  it('on a phone the hero leaves room for the first row, and the filters fold behind one button', async () => {
    const { page, problems } = await session.open('fixture', { width: 390, height: 844 });
    await page.goto(session.url('v1'));
    const firstRow = page.locator('.genre-row h2').first();
    await firstRow.waitFor();
    const hero = await page.locator('.hero').boundingBox();
    expect(hero?.height ?? 844).toBeLessThan(844 * 0.6);
    expect((await firstRow.boundingBox())?.y ?? 844).toBeLessThan(844 - 40);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBe(0);
    await screenshot(page, 'phone-home');

    await page.goto(session.url('v1', '/browse'));
    await page.locator('[data-testid="movie-grid"]').waitFor();
    const toggle = page.getByRole('button', { name: /^Filters/ });
    expect(await page.getByLabel('Genre').isVisible()).toBe(false);
    expect(await page.getByLabel('Search titles').isVisible()).toBe(true);
    await screenshot(page, 'phone-browse');
    await toggle.click();
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    await page.getByLabel('Genre').selectOption('10749');
    await page.waitForURL(/genre=10749/);
    await poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Romance');
    await screenshot(page, 'phone-browse-filters');
    expect(problems).toEqual([]);
  });

  it('browse headings name the active filters, as chips with "Clear all"', async () => {
    const { page, problems } = await session.open('fixture');
    await page.goto(session.url('v1', '/browse?genre=10749&q=dil'));
    await poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe("Romance · search 'dil'");
    const chips = page.getByRole('list', { name: 'Active filters' });
    expect(await chips.getByRole('link').allTextContents()).toEqual([
      'Genre: Romance× (remove)',
      'Search: dil× (remove)',
      'Clear all',
    ]);
    await page.locator('[data-testid="movie-grid"]').waitFor();
    await screenshot(page, 'browse');
    await chips.getByRole('link', { name: 'Clear all' }).click();
    await page.waitForURL(session.url('v1', '/browse'));
    await poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Browse');
    expect(await page.getByLabel('Search titles').inputValue()).toBe('');
    expect(problems).toEqual([]);
  });
});
