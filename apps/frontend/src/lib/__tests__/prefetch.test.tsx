import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { prefetchInitialRoute } from '../../app/prefetch-initial-route';
import { renderApp } from '../../testing/render-app';
import { server } from '../../testing/server';

function countRequests(pathname: string) {
  const counter = { count: 0 };
  server.events.on('request:start', ({ request }) => {
    if (new URL(request.url).pathname === pathname) counter.count += 1;
  });
  return counter;
}

describe('initial-route prefetch', () => {
  it('starts the home feed request before rendering, and the page adopts it instead of asking again', async () => {
    const homeRequests = countRequests('/api/home');
    prefetchInitialRoute('/');
    renderApp('/');
    expect(await screen.findByRole('heading', { level: 1, name: /3 Idiots/ })).toBeInTheDocument();
    expect(homeRequests.count).toBe(1);
  });

  it('prefetches nothing for other routes', async () => {
    const homeRequests = countRequests('/api/home');
    prefetchInitialRoute('/browse');
    renderApp('/browse');
    await screen.findByRole('list', { name: 'Browse' });
    expect(homeRequests.count).toBe(0);
  });
});
