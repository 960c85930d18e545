import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { formatReleaseDate } from '../../lib/format';
import { defaultTmdbImageBase, imageBaseFrom, tmdbImage } from '../../lib/tmdb-images';
import { Backdrop, Poster, placeholderHue } from '../poster';

const movie = {
  id: 19404,
  title: 'Dilwale Dulhania Le Jayenge',
  release_date: '1995-10-20',
  poster_path: null,
  backdrop_path: null,
};

describe('TMDB image URLs', () => {
  it('offers posters as a srcset over w185/w342/w500 and backdrops over w780/w1280', () => {
    expect(tmdbImage('poster', '/abc.jpg')).toEqual({
      src: 'https://image.tmdb.org/t/p/w342/abc.jpg',
      srcSet:
        'https://image.tmdb.org/t/p/w185/abc.jpg 185w, https://image.tmdb.org/t/p/w342/abc.jpg 342w, ' +
        'https://image.tmdb.org/t/p/w500/abc.jpg 500w',
      width: 342,
      height: 513,
    });
    expect(tmdbImage('backdrop', '/b.jpg')).toMatchObject({
      src: 'https://image.tmdb.org/t/p/w780/b.jpg',
      srcSet: 'https://image.tmdb.org/t/p/w780/b.jpg 780w, https://image.tmdb.org/t/p/w1280/b.jpg 1280w',
      width: 780,
      height: 439,
    });
  });

  it('has no image without a path, or with images turned off (VITE_TMDB_IMAGE_BASE empty)', () => {
    expect(tmdbImage('poster', null)).toBeNull();
    expect(tmdbImage('poster', '')).toBeNull();
    expect(imageBaseFrom(undefined)).toBe(defaultTmdbImageBase);
    expect(imageBaseFrom('')).toBe('');
    expect(imageBaseFrom(' http://127.0.0.1:9000/t/p/ ')).toBe('http://127.0.0.1:9000/t/p');
    expect(tmdbImage('poster', '/abc.jpg', '')).toBeNull();
    expect(tmdbImage('poster', '/abc.jpg', 'http://127.0.0.1:9000/t/p')?.src).toBe(
      'http://127.0.0.1:9000/t/p/w342/abc.jpg',
    );
  });
});

describe('Poster', () => {
  it('shows the TMDB poster lazily, with its size reserved and alt text', () => {
    render(<Poster movie={{ ...movie, poster_path: '/ddlj.jpg' }} />);
    const image = screen.getByRole('img', { name: 'Poster of Dilwale Dulhania Le Jayenge (1995)' });
    expect(image).toHaveAttribute('src', 'https://image.tmdb.org/t/p/w342/ddlj.jpg');
    expect(image.getAttribute('srcset')).toContain('https://image.tmdb.org/t/p/w500/ddlj.jpg 500w');
    expect(image).toHaveAttribute('loading', 'lazy');
    expect(image).toHaveAttribute('width', '342');
    expect(image).toHaveAttribute('height', '513');
  });

  it('falls back to the placeholder, in the same frame, when the image fails to load', () => {
    const { container } = render(<Poster movie={{ ...movie, poster_path: '/ddlj.jpg' }} className="x" />);
    fireEvent.error(screen.getByRole('img'));
    const placeholder = screen.getByRole('img', { name: 'Poster of Dilwale Dulhania Le Jayenge (1995)' });
    expect(placeholder).toHaveAttribute('data-testid', 'poster-placeholder');
    expect(placeholder).toHaveClass('poster', 'x');
    expect(container.querySelector('img')).toBeNull();
  });

  it('draws a placeholder without the title (printed next to it) instead of requesting an image', () => {
    const { container } = render(<Poster movie={movie} />);
    const placeholder = screen.getByRole('img', { name: 'Poster of Dilwale Dulhania Le Jayenge (1995)' });
    expect(placeholder).toHaveTextContent('');
    expect(container.querySelector('img')).toBeNull();
  });

  it('colours the placeholder by movie id', () => {
    const backgroundOf = (id: number) => {
      const { container, unmount } = render(<Poster movie={{ ...movie, id }} />);
      const style = container.querySelector<HTMLElement>('[data-testid="poster-placeholder"]')?.style
        .background;
      unmount();
      return style;
    };
    expect(backgroundOf(19404)).toMatch(/gradient/);
    expect(backgroundOf(19404)).toBe(backgroundOf(19404));
    expect(backgroundOf(19404)).not.toBe(backgroundOf(278));
    expect(new Set([1, 2, 3, 4, 5, 6].map(placeholderHue)).size).toBe(6);
  });

  it('is hidden from assistive technology when decorative (the card already names the movie)', () => {
    render(<Poster movie={{ ...movie, poster_path: '/p.jpg' }} decorative />);
    expect(screen.queryByRole('img')).toBeNull();
    expect(document.querySelector('img')).toHaveAttribute('alt', '');
  });
});

describe('Backdrop', () => {
  it('loads at once above the fold, and is decorative', () => {
    render(<Backdrop movie={{ ...movie, backdrop_path: '/back.jpg' }} priority />);
    const image = document.querySelector('img');
    expect(image).toHaveAttribute('src', 'https://image.tmdb.org/t/p/w780/back.jpg');
    expect(image).toHaveAttribute('loading', 'eager');
    expect(image).toHaveAttribute('alt', '');
  });

  it('is a placeholder without a backdrop path', () => {
    render(<Backdrop movie={movie} />);
    expect(screen.getByTestId('backdrop-placeholder')).toHaveAttribute('aria-hidden', 'true');
  });
});

describe('release dates', () => {
  it('read like dates', () => {
    expect(formatReleaseDate('2025-07-18')).toBe('18 July 2025');
    expect(formatReleaseDate('1995-10-20')).toBe('20 October 1995');
    expect(formatReleaseDate('')).toBeNull();
    expect(formatReleaseDate('2025-02-30')).toBeNull();
  });
});
