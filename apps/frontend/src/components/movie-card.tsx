import { Link } from 'react-router';
import type { Movie } from '../types/api';
import { Poster, releaseYear } from './poster';

export function MovieCard({ movie, timingId }: { movie: Movie; timingId?: string }) {
  const year = releaseYear(movie.release_date);
  return (
    <article className="movie-card">
      <Link className="movie-card__link" to={`/movie/${movie.id}`}>
        <Poster movie={movie} decorative className="movie-card__poster" />
        {/* elementtiming lets the e2e suite read when the first grid was painted (Element Timing API). */}
        <span className="movie-card__title" {...(timingId ? { elementtiming: timingId } : {})}>
          {movie.title}
        </span>
      </Link>
      <p className="movie-card__meta">
        {year && <span>{year}</span>}
        <span>
          <span aria-hidden="true">★ </span>
          <span className="visually-hidden">Rated </span>
          {movie.vote_average.toFixed(1)}
          <span className="visually-hidden"> out of 10</span>
        </span>
      </p>
    </article>
  );
}
