import { screen, within } from '@testing-library/react';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { backendHandlers } from '../../../testing/backend-handlers';
import { bollywood, hollywood } from '../../../testing/fixtures';
import { renderApp } from '../../../testing/render-app';
import { server } from '../../../testing/server';

describe('home feed', () => {
  it('shows a hero and one row per genre from v1, tagged Bollywood', async () => {
    renderApp('/');
    expect(await screen.findByRole('heading', { level: 1, name: /3 Idiots/ })).toBeInTheDocument();
    const drama = screen.getByRole('region', { name: 'Drama' });
    const dramaGrid = within(drama).getByRole('list', { name: 'Drama movies' });
    expect(within(dramaGrid).getAllByRole('listitem')).toHaveLength(4);
    expect(within(drama).getByRole('link', { name: /See all 4/ })).toHaveAttribute(
      'href',
      '/browse?genre=18',
    );
    expect(screen.getByRole('region', { name: 'Comedy' })).toBeInTheDocument();
    expect(screen.getAllByTestId('catalogue-tag')[0]).toHaveTextContent('Bollywood · served by v1');
    expect(within(dramaGrid).getByRole('link', { name: 'Dilwale Dulhania Le Jayenge' })).toHaveAttribute(
      'href',
      '/movie/19404',
    );
  });

  it('shows the featured film with its genres as links to browse, year, rating and our overview', async () => {
    renderApp('/');
    const hero = await screen.findByRole('region', { name: /3 Idiots/ });
    expect(within(hero).getByRole('link', { name: 'Comedy' })).toHaveAttribute('href', '/browse?genre=35');
    expect(within(hero).getByRole('link', { name: 'Drama' })).toHaveAttribute('href', '/browse?genre=18');
    expect(within(hero).getByText('★ 8.0 / 10')).toBeInTheDocument();
    expect(within(hero).getByText('3 Idiots in one sentence.')).toBeInTheDocument();
  });

  it('shows genres, year and rating instead of an empty paragraph when the film has no overview', async () => {
    const lagaanFirst = {
      ...bollywood,
      movies: bollywood.movies.map((movie) => (movie.id === 19666 ? { ...movie, popularity: 99 } : movie)),
    };
    server.use(...backendHandlers({ pick: () => lagaanFirst }));
    renderApp('/');
    const hero = await screen.findByRole('region', { name: /Lagaan/ });
    expect(within(hero).getByText('15 June 2001')).toBeInTheDocument();
    expect(within(hero).getByText('★ 7.6 / 10')).toBeInTheDocument();
    expect(within(hero).getByRole('link', { name: 'Drama' })).toBeInTheDocument();
    expect(hero.querySelector('.hero__overview')).toBeNull();
  });

  it('shows Hollywood movies when v2 answers', async () => {
    server.use(...backendHandlers({ pick: () => hollywood }));
    renderApp('/');
    expect(await screen.findByRole('heading', { level: 1, name: /Inception/ })).toBeInTheDocument();
    expect(screen.getByRole('region', { name: 'Science Fiction' })).toBeInTheDocument();
    expect(screen.getAllByTestId('catalogue-tag')[0]).toHaveTextContent('Hollywood · served by v2');
  });

  it('shows skeletons while loading, then a "slow" notice when the answer is delayed', async () => {
    let release: () => void = () => {};
    const answered = new Promise<void>((resolve) => {
      release = resolve;
    });
    server.use(
      http.get('*/api/home', async () => {
        await answered;
        return HttpResponse.json({ featured: [], sections: [] }, { headers: { 'x-backend-version': 'v1' } });
      }),
    );
    renderApp('/', { slowAfterMs: 50 });
    expect(screen.getByRole('status', { name: 'Loading the home feed' })).toBeInTheDocument();
    expect(await screen.findByText(/taking longer than usual/)).toBeInTheDocument();
    release();
    expect(await screen.findByText('This catalogue has no movies yet.')).toBeInTheDocument();
    expect(screen.queryByText(/taking longer than usual/)).toBeNull();
  });

  it('shows an API error with a retry button that loads the feed again', async () => {
    let failures = 1;
    server.use(
      http.get('*/api/home', () => {
        if (failures-- > 0) {
          return HttpResponse.json(
            { error: { code: 'injected_fault', message: 'injected fault' } },
            { status: 500, headers: { 'x-backend-version': 'v1', 'x-catalogue': 'bollywood' } },
          );
        }
        return undefined; // fall through to the regular backend handler
      }),
    );
    const { user } = renderApp('/');
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The home feed could not be loaded');
    expect(alert).toHaveTextContent('v1 (Bollywood) answered 500: injected fault');
    await user.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(await screen.findByRole('heading', { level: 1, name: /3 Idiots/ })).toBeInTheDocument();
  });
});
