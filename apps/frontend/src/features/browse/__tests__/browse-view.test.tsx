import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { backendHandlers } from '../../../testing/backend-handlers';
import { bollywood, type FixtureCatalogue } from '../../../testing/fixtures';
import { renderApp } from '../../../testing/render-app';
import { server } from '../../../testing/server';

function trackMovieRequests() {
  const urls: URL[] = [];
  server.events.on('request:start', ({ request }) => {
    const url = new URL(request.url);
    if (url.pathname === '/api/movies') urls.push(url);
  });
  return urls;
}

const titlesIn = (list: HTMLElement) =>
  [...list.querySelectorAll('.movie-card__title')].map((title) => title.textContent);

const [dilwale] = bollywood.movies;
if (!dilwale) throw new Error('the bollywood fixture has no movies');

describe('browse', () => {
  it('lists movies sorted by popularity with the catalogue tag', async () => {
    renderApp('/browse');
    const grid = await screen.findByRole('list', { name: 'Browse' });
    expect(titlesIn(grid)).toEqual([
      '3 Idiots',
      'Dilwale Dulhania Le Jayenge',
      'Lagaan',
      'Kabhi Khushi Kabhie Gham',
    ]);
    expect(screen.getByText('4 movies')).toBeInTheDocument();
    expect(screen.getByTestId('catalogue-tag')).toHaveTextContent('Bollywood');
  });

  it('filters by genre and sorts, keeping both in the URL', async () => {
    const requests = trackMovieRequests();
    const { user } = renderApp('/browse');
    await screen.findByRole('list', { name: 'Browse' });
    await screen.findByRole('option', { name: 'Romance (2)' });

    await user.selectOptions(screen.getByLabelText('Genre'), 'Romance (2)');
    const romance = await screen.findByRole('list', { name: 'Romance' });
    expect(titlesIn(romance)).toEqual(['Dilwale Dulhania Le Jayenge', 'Kabhi Khushi Kabhie Gham']);
    expect(screen.getByTestId('location')).toHaveTextContent('/browse?genre=10749');

    await user.selectOptions(screen.getByLabelText('Sort by'), 'Title A–Z');
    await waitFor(() =>
      expect(screen.getByTestId('location')).toHaveTextContent('/browse?genre=10749&sort=title'),
    );
    await waitFor(() =>
      expect(titlesIn(screen.getByRole('list', { name: 'Romance' }))).toEqual([
        'Dilwale Dulhania Le Jayenge',
        'Kabhi Khushi Kabhie Gham',
      ]),
    );
    const last = requests.at(-1);
    expect(last?.searchParams.get('genre')).toBe('10749');
    expect(last?.searchParams.get('sort')).toBe('title');
    expect(last?.searchParams.get('per_page')).toBe('20');
  });

  it('reproduces the view from a link', async () => {
    renderApp('/browse?genre=18&sort=oldest');
    const grid = await screen.findByRole('list', { name: 'Drama' });
    expect(titlesIn(grid)[0]).toBe('Dilwale Dulhania Le Jayenge');
    expect(screen.getByLabelText('Sort by')).toHaveValue('oldest');
    await waitFor(() => expect(screen.getByLabelText('Genre')).toHaveValue('18'));
  });

  it('searches as the user types, writing the settled text to the URL', async () => {
    const requests = trackMovieRequests();
    const { user } = renderApp('/browse');
    await screen.findByRole('list', { name: 'Browse' });
    await user.type(screen.getByLabelText('Search titles'), 'lagaan');
    const results = await screen.findByRole('list', { name: "Search 'lagaan'" });
    expect(titlesIn(results)).toEqual(['Lagaan']);
    expect(screen.getByTestId('location')).toHaveTextContent('/browse?q=lagaan');
    const searches = requests
      .filter((url) => url.searchParams.has('q'))
      .map((url) => url.searchParams.get('q'));
    // The settled text is what was asked for last (the debounce timing itself: use-debounced-value.test.ts).
    expect(searches.at(-1)).toBe('lagaan');
  });

  it('names the active filters in the heading, as removable chips, with "Clear all"', async () => {
    const { user } = renderApp('/browse?genre=10749&q=dil&sort=rating');
    expect(
      await screen.findByRole('heading', { level: 1, name: "Romance · search 'dil'" }),
    ).toBeInTheDocument();
    const chips = screen.getByRole('list', { name: 'Active filters' });
    expect(within(chips).getByRole('link', { name: /Genre: Romance/ })).toHaveAttribute(
      'href',
      '/browse?q=dil&sort=rating',
    );
    expect(within(chips).getByRole('link', { name: /Search: dil/ })).toHaveAttribute(
      'href',
      '/browse?genre=10749&sort=rating',
    );
    await user.click(within(chips).getByRole('link', { name: 'Clear all' }));
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(/^\/browse\?sort=rating$/));
    expect(await screen.findByRole('heading', { level: 1, name: 'Browse' })).toBeInTheDocument();
    expect(screen.queryByRole('list', { name: 'Active filters' })).toBeNull();
    expect(screen.getByLabelText('Search titles')).toHaveValue('');
  });

  it('folds genre and sort behind one "Filters" button (shown on phones)', async () => {
    const { user } = renderApp('/browse?genre=18');
    const toggle = await screen.findByRole('button', { name: 'Filters (1)' });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    const panel = document.getElementById(toggle.getAttribute('aria-controls') ?? '');
    expect(panel).toContainElement(screen.getByLabelText('Genre'));
    expect(panel).toContainElement(screen.getByLabelText('Sort by'));
    expect(panel).not.toContainElement(screen.getByLabelText('Search titles'));
    await user.click(toggle);
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    expect(panel).toHaveClass('filters__panel--open');
  });

  it('says so when nothing matches', async () => {
    renderApp('/browse?q=zzzz');
    expect(await screen.findByText('No movies match “zzzz”.')).toBeInTheDocument();
  });

  it('paginates with links that keep the filters', async () => {
    const many: FixtureCatalogue = {
      ...bollywood,
      movies: Array.from({ length: 45 }, (_, index) => ({
        ...dilwale,
        id: 1000 + index,
        title: `Movie ${String(index).padStart(2, '0')}`,
        popularity: 100 - index,
      })),
    };
    server.use(...backendHandlers({ pick: () => many }));
    const { user } = renderApp('/browse?genre=18');
    const pagination = await screen.findByRole('navigation', { name: 'Pagination' });
    expect(pagination).toHaveTextContent('Page 1 of 3');
    await user.click(within(pagination).getByRole('link', { name: 'Next →' }));
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent('/browse?genre=18&page=2'));
    const grid = await screen.findByRole('list', { name: 'Drama' });
    await waitFor(() => expect(titlesIn(grid)[0]).toBe('Movie 20'));
    expect(screen.getByRole('navigation', { name: 'Pagination' })).toHaveTextContent('Page 2 of 3');
  });
});
