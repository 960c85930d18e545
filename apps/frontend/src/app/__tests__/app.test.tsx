import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderApp } from '../../testing/render-app';

describe('app shell', () => {
  it('has landmarks, a skip link and a labelled main navigation', async () => {
    renderApp('/');
    expect(screen.getByRole('banner')).toBeInTheDocument();
    expect(screen.getByRole('navigation', { name: 'Main' })).toBeInTheDocument();
    expect(screen.getByRole('main')).toHaveAttribute('id', 'main');
    expect(screen.getByRole('contentinfo')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Skip to content' })).toHaveAttribute('href', '#main');
    expect(screen.getByRole('link', { name: 'Home' })).toHaveAttribute('aria-current', 'page');
    await screen.findByRole('heading', { level: 1, name: /3 Idiots/ });
  });

  it('credits TMDB in the footer, as its terms ask', async () => {
    renderApp('/');
    const footer = screen.getByRole('contentinfo');
    expect(footer).toHaveTextContent(
      'This product uses the TMDB API but is not endorsed or certified by TMDB.',
    );
    expect(within(footer).getByRole('link', { name: 'TMDB' })).toHaveAttribute(
      'href',
      'https://www.themoviedb.org',
    );
    await screen.findByRole('heading', { level: 1, name: /3 Idiots/ });
  });

  it('shows a not-found page for unknown addresses', async () => {
    renderApp('/no/such/page');
    expect(await screen.findByRole('heading', { level: 1, name: 'Page not found' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Go to the home page' })).toHaveAttribute('href', '/');
  });

  it('moves focus to the page content after navigating with the keyboard', async () => {
    const { user } = renderApp('/');
    await screen.findByRole('heading', { level: 1, name: /3 Idiots/ });
    const browse = screen.getByRole('link', { name: 'Browse' });
    browse.focus();
    await user.keyboard('{Enter}');
    await waitFor(() => expect(screen.getByRole('main')).toHaveFocus());
    expect(screen.getByTestId('location')).toHaveTextContent('/browse');
  });
});
