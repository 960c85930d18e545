import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { backendHandlers } from '../../../testing/backend-handlers';
import { hollywood } from '../../../testing/fixtures';
import { renderApp } from '../../../testing/render-app';
import { server } from '../../../testing/server';

describe('movie detail', () => {
  it('shows the movie with its facts, genres and catalogue', async () => {
    renderApp('/movie/19666');
    expect(await screen.findByRole('heading', { level: 1, name: /^Lagaan\s*\(2001\)$/ })).toBeInTheDocument();
    const original = screen.getByText('Lagaan: Once Upon a Time in India');
    expect(original).toHaveAttribute('lang', 'hi');
    expect(original.parentElement).toHaveTextContent('Original title: Lagaan: Once Upon a Time in India');
    expect(screen.getByText('Hindi')).toBeInTheDocument();
    expect(screen.getByText('15 June 2001')).toHaveAttribute('datetime', '2001-06-15');
    const genres = await screen.findByRole('list', { name: 'Genres' });
    expect(within(genres).getByRole('link', { name: 'Drama' })).toHaveAttribute('href', '/browse?genre=18');
    expect(screen.getByRole('img', { name: 'Poster of Lagaan (2001)' })).toBeInTheDocument();
    expect(screen.getByTestId('catalogue-tag')).toHaveTextContent('Bollywood · served by v1');
    expect(document.title).toBe('Lagaan · Movie catalogue');
  });

  it('shows no empty overview when we have none: the facts stand instead', async () => {
    renderApp('/movie/19666');
    await screen.findByRole('heading', { level: 1, name: /^Lagaan/ });
    expect(screen.queryByRole('heading', { name: 'Overview' })).toBeNull();
    expect(screen.queryByText(/No overview/)).toBeNull();
    expect(screen.getByText('★ 7.6 / 10 (1,000 votes)')).toBeInTheDocument();
  });

  it('shows our overview when there is one', async () => {
    renderApp('/movie/20453');
    expect(await screen.findByText('3 Idiots in one sentence.')).toBeInTheDocument();
  });

  it('explains a 404, naming the catalogue that did not have the movie', async () => {
    server.use(...backendHandlers({ pick: () => hollywood }));
    renderApp('/movie/19404');
    expect(await screen.findByRole('heading', { level: 1, name: 'Movie not found' })).toBeInTheDocument();
    expect(screen.getByText(/The Hollywood catalogue served by v2 has no movie 19404/)).toBeInTheDocument();
  });

  it('rejects an id that is not a number without calling the API', async () => {
    renderApp('/movie/abc');
    expect(await screen.findByRole('heading', { level: 1, name: 'Movie not found' })).toBeInTheDocument();
    expect(screen.getByText(/“abc” is not a movie id/)).toBeInTheDocument();
  });

  it('navigates from a card on the home page to the detail page', async () => {
    const { user } = renderApp('/');
    const [firstLink] = await screen.findAllByRole('link', { name: 'Kabhi Khushi Kabhie Gham' });
    if (!firstLink) throw new Error('no card links to the movie');
    await user.click(firstLink);
    expect(
      await screen.findByRole('heading', { level: 1, name: /^Kabhi Khushi Kabhie Gham\s*\(2001\)$/ }),
    ).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent('/movie/10757');
    expect(screen.getByRole('img', { name: 'Poster of Kabhi Khushi Kabhie Gham (2001)' })).toHaveAttribute(
      'src',
      'https://image.tmdb.org/t/p/w342/k3kg.jpg',
    );
    // Back returns to the page the film was opened from.
    await user.click(screen.getByRole('link', { name: '← Back to Home' }));
    expect(await screen.findByRole('heading', { level: 1, name: /3 Idiots/ })).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/$/);
  });

  it('goes back to browse, filters included, when opened from there; opened directly it offers browse', async () => {
    const { user } = renderApp('/browse?genre=18&sort=title');
    const grid = await screen.findByRole('list', { name: 'Drama' });
    await user.click(within(grid).getByRole('link', { name: 'Lagaan' }));
    await user.click(await screen.findByRole('link', { name: '← Back to Browse' }));
    await screen.findByRole('list', { name: 'Drama' });
    expect(screen.getByTestId('location')).toHaveTextContent('/browse?genre=18&sort=title');
  });

  it('offers the catalogue when the page was opened directly', async () => {
    renderApp('/movie/19666');
    expect(await screen.findByRole('link', { name: '← Browse the catalogue' })).toHaveAttribute(
      'href',
      '/browse',
    );
  });
});
