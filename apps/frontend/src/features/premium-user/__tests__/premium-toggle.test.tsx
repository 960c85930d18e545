import { screen, waitFor } from '@testing-library/react';
import { delay, HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { backendHandlers } from '../../../testing/backend-handlers';
import { bollywood, hollywood } from '../../../testing/fixtures';
import { renderApp } from '../../../testing/render-app';
import { server } from '../../../testing/server';

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
