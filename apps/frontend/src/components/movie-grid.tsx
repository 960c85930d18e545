import { useEffect } from 'react';
import type { Movie } from '../types/api';
import { MovieCard } from './movie-card';

export const firstGridMark = 'first-movie-grid';
let firstGridMarked = false;

/** A responsive grid of movie cards (a list, so screen readers announce how many there are). */
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
          <MovieCard movie={movie} timingId={index === 0 ? firstGridMark : undefined} />
        </li>
      ))}
    </ul>
  );
}
