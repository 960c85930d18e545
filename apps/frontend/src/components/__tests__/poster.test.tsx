import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { Poster, placeholderHue, posterUrl } from '../poster';

const movie = {
  id: 19404,
  title: 'Dilwale Dulhania Le Jayenge',
  release_date: '1995-10-20',
  poster_path: null,
};

describe('Poster', () => {
  it('builds TMDB w342 URLs only when a poster path is set', () => {
    expect(posterUrl('/abc.jpg')).toBe('https://image.tmdb.org/t/p/w342/abc.jpg');
    expect(posterUrl(null)).toBeNull();
    expect(posterUrl('')).toBeNull();
  });

  it('draws a placeholder with title, year and an id-derived colour instead of requesting an image', () => {
    const { container } = render(<Poster movie={movie} />);
    const placeholder = screen.getByRole('img', { name: 'Poster of Dilwale Dulhania Le Jayenge (1995)' });
    expect(placeholder).toHaveTextContent('Dilwale Dulhania Le Jayenge');
    expect(placeholder).toHaveTextContent('1995');
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
  });

  it('gives different movies different, stable colours', () => {
    expect(placeholderHue(19404)).toBe(placeholderHue(19404));
    const hues = new Set([1, 2, 3, 4, 5, 6].map(placeholderHue));
    expect(hues.size).toBe(6);
  });

  it('shows the TMDB poster with alt text, and falls back to the placeholder if it fails to load', () => {
    render(<Poster movie={{ ...movie, poster_path: '/ddlj.jpg' }} />);
    const image = screen.getByRole('img', { name: 'Poster of Dilwale Dulhania Le Jayenge (1995)' });
    expect(image).toHaveAttribute('src', 'https://image.tmdb.org/t/p/w342/ddlj.jpg');
    fireEvent.error(image);
    expect(screen.getByTestId('poster-placeholder')).toBeInTheDocument();
  });

  it('is hidden from assistive technology when decorative (the card already names the movie)', () => {
    render(<Poster movie={movie} decorative />);
    expect(screen.queryByRole('img')).toBeNull();
    expect(screen.getByTestId('poster-placeholder')).toHaveAttribute('aria-hidden', 'true');
  });
});
