import { Link, useLocation } from 'react-router';
import { backStateFrom } from '../lib/back-navigation';
import { ratingText, releaseYear } from '../lib/format';
import type { Movie } from '../types/api';
import { Poster } from './poster';

export function MovieCard({ movie, timingId, sizes }: { movie: Movie; timingId?: string; sizes?: string }) {
  const location = useLocation();
  const year = releaseYear(movie.release_date);
  const rating = ratingText(movie);
  return (
    <article className="movie-card">
      {/* The detail page's Back link returns here (Home or Browse), scrolled where the user left it. */}
      <Link className="movie-card__link" to={`/movie/${movie.id}`} state={backStateFrom(location)}>
        <Poster movie={movie} decorative className="movie-card__poster" sizes={sizes} />
        {/* elementtiming lets the e2e suite read when the first grid was painted (Element Timing API). */}
        <span className="movie-card__title" {...(timingId ? { elementtiming: timingId } : {})}>
          {movie.title}
        </span>
      </Link>
      <p className="movie-card__meta">
        {year && <span>{year}</span>}
        {rating ? (
          <span>
            <span aria-hidden="true">★ </span>
            <span className="visually-hidden">Rated </span>
            {rating}
            <span className="visually-hidden"> out of 10</span>
          </span>
        ) : (
          <span>Not rated yet</span>
        )}
      </p>
    </article>
  );
}
