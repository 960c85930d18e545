import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { backendHandlers } from '../../../testing/backend-handlers';
import { hollywood } from '../../../testing/fixtures';
import { renderApp } from '../../../testing/render-app';
import { server } from '../../../testing/server';

describe('movie detail', () => {
  it('shows the movie with its facts, genres and catalogue', async () => {
    renderApp('/movie/19666');
    expect(await screen.findByRole('heading', { level: 1, name: /^Lagaan\s*\(2001\)$/ })).toBeInTheDocument();
    expect(screen.getByText('Original title: Lagaan: Once Upon a Time in India')).toBeInTheDocument();
    expect(screen.getByText('Hindi')).toBeInTheDocument();
    expect(await screen.findByText('Drama')).toBeInTheDocument();
    expect(screen.getByRole('img', { name: 'Poster of Lagaan (2001)' })).toBeInTheDocument();
    expect(screen.getByTestId('catalogue-tag')).toHaveTextContent('Bollywood · served by v1');
    expect(document.title).toBe('Lagaan · Movie catalogue');
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
    expect(screen.getByTestId('location')).toHaveTextContent('/movie/11036');
    expect(screen.getByRole('img', { name: 'Poster of Kabhi Khushi Kabhie Gham (2001)' })).toHaveAttribute(
      'src',
      'https://image.tmdb.org/t/p/w342/k3kg.jpg',
    );
  });
});
