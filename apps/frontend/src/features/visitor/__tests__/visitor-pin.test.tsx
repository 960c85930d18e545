import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { readPin, resetVisitor } from '../../../lib/visitor-pin';
import { renderApp } from '../../../testing/render-app';
import { server } from '../../../testing/server';
import { meshStatusHandler, stickyMesh } from '../../../testing/sticky-mesh';

const badge = () => screen.getByTestId('version-badge');

describe('one version per visit', () => {
  it('sends the first request alone; the page’s other requests wait and carry the pin it set', async () => {
    const mesh = stickyMesh({ weights: { v1: 50, v2: 50 }, seed: 7 });
    server.use(...mesh.handlers);
    renderApp('/browse');
    await screen.findByRole('list', { name: 'Browse' });
    await waitFor(() => expect(badge()).toHaveAttribute('data-state', 'served'));

    const [first, ...rest] = mesh.log;
    expect(first?.pin).toBeNull();
    expect(rest.length).toBeGreaterThanOrEqual(1);
    for (const entry of rest) {
      expect(entry.pin).toBe(first?.version);
      expect(entry.version).toBe(first?.version);
      // None of them left before the first answer was in.
      expect(entry.startedAt).toBeGreaterThanOrEqual(first?.endedAt ?? Number.POSITIVE_INFINITY);
    }
    expect(readPin()).toBe(first?.version);
    expect(badge()).toHaveAttribute('data-version', first?.version);
  });

  it('keeps every fresh visitor on one version: card clicks never end on "Movie not found"', async () => {
    // 50-50, so a second draw would land elsewhere half the time; the seed fixes the sequence.
    const mesh = stickyMesh({ weights: { v1: 50, v2: 50 }, seed: 42 });
    server.use(...mesh.handlers);
    const landed = new Set<string>();
    for (let visitor = 0; visitor < 6; visitor += 1) {
      resetVisitor();
      const firstRequest = mesh.log.length;
      // Home sends one request; browse sends two at once (genres and the grid), which the gate keeps together.
      const { user, unmount } = renderApp(visitor % 2 === 0 ? '/' : '/browse');
      const grid = (await screen.findAllByTestId('movie-grid'))[0];
      if (!grid) throw new Error('no grid on the page');
      const cards = within(grid).getAllByRole('link');
      const card = cards[visitor % cards.length];
      if (!card) throw new Error('no card');
      await user.click(card);
      await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(/^\/movie\/\d+$/));
      await screen.findByRole('article');
      expect(screen.queryByText('Movie not found')).toBeNull();
      const versions = new Set(mesh.log.slice(firstRequest).map((entry) => entry.version));
      expect(versions.size).toBe(1);
      landed.add([...versions][0] ?? 'none');
      unmount();
    }
    // Both versions were drawn across the visitors, and no visitor's requests were split.
    expect(landed).toEqual(new Set(['v1', 'v2']));
  });
});

describe('new visitor', () => {
  it('clears the pin, draws again and says where the visitor landed and how many land there', async () => {
    const mesh = stickyMesh({ weights: { v1: 80, v2: 20 }, seed: 3 });
    server.use(
      ...mesh.handlers,
      meshStatusHandler(() => ({ source: '80-20', weights: { v1: 80, v2: 20 } })),
    );
    const { user } = renderApp('/');
    await waitFor(() => expect(badge()).toHaveAttribute('data-state', 'served'));
    const requestsBefore = mesh.log.length;

    await user.click(screen.getByRole('button', { name: 'New visitor' }));
    const notice = await screen.findByTestId('visitor-notice');
    await waitFor(() => expect(notice).toHaveTextContent(/you landed on v[12]/));
    const pin = readPin();
    if (pin !== 'v1' && pin !== 'v2') throw new Error(`no pin after the draw: ${pin}`);
    const catalogue = pin === 'v1' ? 'Bollywood' : 'Hollywood';
    expect(notice).toHaveTextContent(
      `you landed on ${pin} (${catalogue}). ${pin === 'v1' ? 80 : 20} % of new visitors land there (the gateway’s split 80-20: v1 80 %, v2 20 %).`,
    );
    // The draw went out without a pin; the page then fetched again as the new visitor, on its version.
    expect(mesh.log[requestsBefore]?.pin).toBeNull();
    await waitFor(() => expect(badge()).toHaveAttribute('data-version', pin));
    expect(mesh.log.slice(requestsBefore + 1).every((entry) => entry.version === pin)).toBe(true);
  });

  it('on a cluster (no /__mesh) says the split is not visible here', async () => {
    server.use(...stickyMesh({ weights: { v1: 80, v2: 20 } }).handlers);
    const { user } = renderApp('/no/such/page');
    await user.click(screen.getByRole('button', { name: 'New visitor' }));
    const notice = await screen.findByTestId('visitor-notice');
    await waitFor(() => expect(notice).toHaveTextContent(/you landed on v[12]/));
    expect(notice).toHaveTextContent('The configured split is not visible from here');
    // The page has no API call: the badge now shows the new pin.
    expect(badge()).toHaveAttribute('data-state', 'pinned');
    expect(badge()).toHaveAttribute('data-version', readPin() ?? 'none');
  });
});
