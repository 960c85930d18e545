import { screen, waitFor } from '@testing-library/react';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { renderApp } from '../../testing/render-app';
import { server } from '../../testing/server';

describe('not-found pages', () => {
  it('a movie not found offers a way back and a retry, which asks again', async () => {
    let answers = 0;
    server.use(
      http.get('*/api/movies/:id', () => {
        answers += 1;
        if (answers > 1) return undefined; // the regular v1 handler: found
        return HttpResponse.json(
          { error: { code: 'not_found', message: 'no movie with id 19666' } },
          { status: 404, headers: { 'x-backend-version': 'v2', 'x-catalogue': 'hollywood' } },
        );
      }),
    );
    const { user } = renderApp('/');
    const [card] = await screen.findAllByRole('link', { name: 'Lagaan' });
    if (!card) throw new Error('no Lagaan card');
    await user.click(card);
    expect(await screen.findByRole('heading', { level: 1, name: 'Movie not found' })).toBeInTheDocument();
    expect(screen.getByText(/The Hollywood catalogue served by v2 has no movie 19666/)).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByRole('heading', { level: 1, name: /^Lagaan/ })).toBeInTheDocument();
    expect(answers).toBe(2);

    await user.click(screen.getByRole('link', { name: 'Home' }));
    await screen.findByRole('heading', { level: 1, name: /3 Idiots/ });
    server.use(
      http.get('*/api/movies/:id', () =>
        HttpResponse.json({ error: { code: 'not_found', message: 'gone' } }, { status: 404 }),
      ),
    );
    const [again] = await screen.findAllByRole('link', { name: 'Lagaan' });
    if (!again) throw new Error('no Lagaan card');
    await user.click(again);
    await screen.findByRole('heading', { level: 1, name: 'Movie not found' });
    await user.click(screen.getByRole('button', { name: '← Go back' }));
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(/^\/$/));
  });

  it('an unknown address links home and to the catalogue, without a retry or a back button on a first page', async () => {
    renderApp('/no/such/page');
    expect(await screen.findByRole('heading', { level: 1, name: 'Page not found' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Go to the home page' })).toHaveAttribute('href', '/');
    expect(screen.getByRole('link', { name: 'Browse the catalogue' })).toHaveAttribute('href', '/browse');
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull();
    expect(screen.queryByRole('button', { name: '← Go back' })).toBeNull();
  });
});
