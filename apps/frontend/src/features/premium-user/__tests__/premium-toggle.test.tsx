import { screen, waitFor } from '@testing-library/react';
import { delay, HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { setPremiumUser } from '../../../lib/premium-store';
import { writePin } from '../../../lib/visitor-pin';
import { backendHandlers } from '../../../testing/backend-handlers';
import { bollywood, hollywood } from '../../../testing/fixtures';
import { renderApp } from '../../../testing/render-app';
import { server } from '../../../testing/server';
import { meshStatusHandler, stickyMesh } from '../../../testing/sticky-mesh';

describe('premium user toggle', () => {
  it('sends x-user-type: premium, which header routing answers from v2', async () => {
    const premiumSeen: boolean[] = [];
    // Like the header-routing VirtualService: premium users go to v2, everyone else to v1.
    const v1 = backendHandlers({ pick: () => bollywood });
    const v2 = backendHandlers({ pick: () => hollywood });
    server.use(
      http.get('*/api/*', async ({ request, requestId }) => {
        const premium = request.headers.get('x-user-type') === 'premium';
        premiumSeen.push(premium);
        await delay(1);
        for (const handler of premium ? v2 : v1) {
          const result = await handler.run({ request: request.clone(), requestId });
          if (result?.response) return result.response;
        }
        return HttpResponse.json({ error: { code: 'not_found', message: 'no route' } }, { status: 404 });
      }),
    );
    const { user } = renderApp('/');
    expect(await screen.findByRole('heading', { level: 1, name: /3 Idiots/ })).toBeInTheDocument();

    const toggle = screen.getByRole('switch', { name: 'Premium user' });
    expect(toggle).not.toBeChecked();
    await user.click(toggle);
    expect(toggle).toBeChecked();
    expect(localStorage.getItem('movies.premium-user')).toBe('true');

    // The page fetches again with the header and now shows what v2 serves.
    expect(await screen.findByRole('heading', { level: 1, name: /Inception/ })).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId('version-badge')).toHaveTextContent('v2'));
    expect(premiumSeen).toContain(true);
    expect(premiumSeen[0]).toBe(false);

    await user.click(toggle);
    expect(await screen.findByRole('heading', { level: 1, name: /3 Idiots/ })).toBeInTheDocument();
  });
});

describe('premium routing notice', () => {
  const meshWith = (premiumRule: boolean) =>
    meshStatusHandler(() => ({
      source: premiumRule ? 'header-routing' : '80-20',
      weights: { v1: 80, v2: 20 },
      virtualServices: [
        {
          metadata: { name: 'movie-backend' },
          spec: {
            http: [
              ...(premiumRule
                ? [
                    {
                      name: 'premium-users',
                      match: [{ uri: { prefix: '/api/' }, headers: { 'x-user-type': { exact: 'premium' } } }],
                      route: [{ destination: { host: 'movie-backend', subset: 'v2' }, weight: 100 }],
                    },
                  ]
                : []),
              {
                name: 'pin-v1',
                match: [
                  {
                    uri: { prefix: '/api/' },
                    headers: { cookie: { regex: '^(.*?;\\s*)?movie-version=v1(;.*)?$' } },
                  },
                ],
                route: [{ destination: { host: 'movie-backend', subset: 'v1' } }],
              },
              { name: 'weighted-split', match: [{ uri: { prefix: '/api/' } }], route: [] },
            ],
          },
        },
      ],
    }));

  it('under 80-20 says premium routing is not in effect, names who answered and how to turn it on', async () => {
    server.use(...stickyMesh({ weights: { v1: 80, v2: 20 }, seed: 5 }).handlers, meshWith(false));
    writePin('v1');
    const { user } = renderApp('/');
    await screen.findByRole('heading', { level: 1, name: /3 Idiots/ });
    expect(screen.queryByTestId('premium-notice')).toBeNull();

    await user.click(screen.getByRole('switch', { name: 'Premium user' }));
    const notice = await screen.findByTestId('premium-notice');
    await waitFor(() => expect(notice).toHaveTextContent('This premium request was answered by v1'));
    expect(notice).toHaveTextContent('Premium routing is not in effect.');
    expect(notice).toHaveTextContent(
      'the gateway’s routing 80-20 has no rule for x-user-type: premium, so premium requests follow the split (v1 80 %, v2 20 %).',
    );
    expect(notice).toHaveTextContent('pnpm traffic set header-routing');
    expect(notice).toHaveTextContent('kubectl apply -k k8s/overlays/header-routing');
    expect(screen.getByTestId('premium-routing')).toHaveTextContent('routing off');

    await user.click(screen.getByRole('switch', { name: 'Premium user' }));
    await waitFor(() => expect(screen.queryByTestId('premium-notice')).toBeNull());
  });

  it('under header-routing shows no notice: premium requests reach v2', async () => {
    server.use(...stickyMesh({ weights: { v1: 80, v2: 20 }, premiumToV2: true }).handlers, meshWith(true));
    writePin('v1');
    setPremiumUser(true);
    renderApp('/');
    expect(await screen.findByRole('heading', { level: 1, name: /Inception/ })).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId('premium-routing')).toHaveTextContent('routing on'));
    expect(screen.queryByTestId('premium-notice')).toBeNull();
  });

  it('on a cluster (no /__mesh) warns only when a premium request comes back from v1', async () => {
    writePin('v1');
    setPremiumUser(true);
    renderApp('/');
    const notice = await screen.findByTestId('premium-notice');
    expect(notice).toHaveTextContent(
      'This premium request was answered by v1, not v2: nothing routes on x-user-type: premium.',
    );
    expect(screen.queryByTestId('premium-routing')).toBeNull();
  });
});
