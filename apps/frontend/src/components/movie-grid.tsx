import { useEffect } from 'react';
import type { Movie } from '../types/api';
import { MovieCard } from './movie-card';

export const firstGridMark = 'first-movie-grid';

/**
 * How wide a card's poster is drawn (app/styles/catalogue.css): two per row on a phone, ~160–200 px on wider
 * screens.
 */
const cardSizes = {
  grid: '(max-width: 640px) 45vw, 200px',
  row: '(max-width: 640px) 40vw, 170px',
} as const;
let firstGridMarked = false;

/**
 * A responsive grid of movie cards (a list, so screen readers announce how many there are). As a row (home page)
 * the cards fill the width and scroll sideways; the padding around them keeps focus rings inside the scroller.
 */
export function MovieGrid({
  movies,
  label,
  layout = 'grid',
}: {
  movies: Movie[];
  label: string;
  layout?: 'grid' | 'row';
}) {
  useEffect(() => {
    if (firstGridMarked || movies.length === 0) return;
    firstGridMarked = true;
    // The next frame after commit is when the grid is first painted.
    requestAnimationFrame(() => performance.mark(firstGridMark));
  }, [movies.length]);

  return (
    <ul className={`movie-grid movie-grid--${layout}`} aria-label={label} data-testid="movie-grid">
      {movies.map((movie, index) => (
        <li key={movie.id}>
          <MovieCard
            movie={movie}
            timingId={index === 0 ? firstGridMark : undefined}
            sizes={cardSizes[layout]}
          />
        </li>
      ))}
    </ul>
  );
}
