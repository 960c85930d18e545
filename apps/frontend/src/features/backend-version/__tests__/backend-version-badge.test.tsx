import { screen, waitFor } from '@testing-library/react';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { learnCatalogue } from '../../../lib/backend-version-store';
import { writePin } from '../../../lib/visitor-pin';
import { backendHandlers } from '../../../testing/backend-handlers';
import { bollywood, hollywood } from '../../../testing/fixtures';
import { renderApp } from '../../../testing/render-app';
import { server } from '../../../testing/server';

const badge = () => screen.getByTestId('version-badge');

describe('backend version badge', () => {
  it('names the version of the main content, not of the last answer (the genre list)', async () => {
    // No stickiness here: the genre list comes from v2 and, once released, the grid from v1.
    let releaseGrid: () => void = () => {};
    const gridHeld = new Promise<void>((resolve) => {
      releaseGrid = resolve;
    });
    server.use(
      http.get('*/api/genres', () =>
        HttpResponse.json(
          { genres: [{ id: 878, name: 'Science Fiction', count: 2 }] },
          { headers: { 'x-backend-version': 'v2', 'x-catalogue': 'hollywood' } },
        ),
      ),
      http.get('*/api/movies', async () => {
        await gridHeld;
        return undefined; // on to the regular v1 handler
      }),
    );
    renderApp('/browse');
    // The genre list (v2) has answered while the grid is still loading: the badge waits for the grid.
    await waitFor(() => expect(screen.getByRole('option', { name: /Science Fiction/ })).toBeInTheDocument());
    expect(badge()).toHaveAttribute('data-state', 'loading');
    releaseGrid();
    await waitFor(() => expect(badge()).toHaveAttribute('data-version', 'v1'));
    expect(badge()).toHaveTextContent('Page content served by v1 · Bollywood');
    expect(badge()).toHaveClass('version-badge--bollywood');
  });

  it('follows the page: another page served by v2 shows v2', async () => {
    let next = bollywood;
    server.use(...backendHandlers({ pick: () => next }));
    const { user } = renderApp('/');
    await waitFor(() => expect(badge()).toHaveAttribute('data-version', 'v1'));
    next = hollywood;
    await user.click(screen.getByRole('link', { name: 'Browse' }));
    await waitFor(() => expect(badge()).toHaveAttribute('data-version', 'v2'));
    expect(badge()).toHaveTextContent('v2 · Hollywood');
    expect(badge()).toHaveClass('version-badge--hollywood');
  });

  it('on a page without an API call shows the visitor’s pin, or nothing — never a spinner', async () => {
    renderApp('/no/such/page');
    await screen.findByRole('heading', { level: 1, name: 'Page not found' });
    expect(screen.queryByTestId('version-badge')).toBeNull();
  });

  it('shows the pinned version and its catalogue when the movie-version cookie is set', async () => {
    learnCatalogue({ version: 'v2', catalogue: 'hollywood' });
    writePin('v2');
    renderApp('/no/such/page');
    await screen.findByRole('heading', { level: 1, name: 'Page not found' });
    expect(badge()).toHaveAttribute('data-state', 'pinned');
    expect(badge()).toHaveTextContent('This visitor is pinned to v2 · Hollywood');
  });

  it('leaving a page drops its version: home (v1) then a page without an API call shows no stale v1', async () => {
    const { user } = renderApp('/');
    await waitFor(() => expect(badge()).toHaveAttribute('data-version', 'v1'));
    await user.click(screen.getByRole('link', { name: 'Traffic' }));
    // The traffic page is a lazy chunk with the chart library: slow to transform the first time.
    await screen.findByRole('heading', { level: 1, name: 'Traffic' }, { timeout: 15_000 });
    expect(screen.queryByTestId('version-badge')).toBeNull();
  });

  it('an error without a backend answer names the version the request was pinned to', async () => {
    learnCatalogue({ version: 'v2', catalogue: 'hollywood' });
    writePin('v2');
    server.use(http.get('*/api/home', () => new HttpResponse('no healthy upstream', { status: 503 })));
    renderApp('/');
    await waitFor(() => expect(badge()).toHaveAttribute('data-state', 'failed'));
    expect(badge()).toHaveTextContent('v2 · not answering');
    expect(screen.getByRole('alert')).toHaveTextContent(
      'v2 (Hollywood) is not answering: the gateway returned 503 no healthy upstream.',
    );
  });
});
