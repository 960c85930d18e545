import { Link, useLocation } from 'react-router';
import { CatalogueTag } from '../../../components/catalogue-tag';
import { GenreChips, genresOf } from '../../../components/genre-chips';
import { Backdrop, Poster } from '../../../components/poster';
import { backStateFrom } from '../../../lib/back-navigation';
import { formatReleaseDate, ratingText, releaseYear } from '../../../lib/format';
import type { Genre, Movie, ServedBy } from '../../../types/api';

/** The catalogue's most popular film over its backdrop: poster, title, genres, year, rating and our overview. */
export function Hero({ movie, servedBy, genres }: { movie: Movie; servedBy: ServedBy; genres: Genre[] }) {
  const location = useLocation();
  const year = releaseYear(movie.release_date);
  const rating = ratingText(movie);
  const released = formatReleaseDate(movie.release_date);
  return (
    <section className="hero" aria-labelledby="hero-title">
      <Backdrop movie={movie} className="hero__backdrop" sizes="(max-width: 1280px) 100vw, 1216px" priority />
      <div className="hero__content">
        <Poster movie={movie} decorative className="hero__poster" sizes="200px" priority />
        <div className="hero__body">
          <p className="hero__eyebrow">
            Featured in the <CatalogueTag servedBy={servedBy} /> catalogue
          </p>
          <h1 id="hero-title" className="hero__title">
            {movie.title}
            {year && <span className="hero__year">{` (${year})`}</span>}
          </h1>
          <p className="hero__facts">
            <span>{rating ? `★ ${rating} / 10` : 'Not rated yet'}</span>
            {released && (
              <span>
                Released <time dateTime={movie.release_date}>{released}</time>
              </span>
            )}
          </p>
          <GenreChips genres={genresOf(movie.genre_ids, genres)} />
          {movie.overview && <p className="hero__overview">{movie.overview}</p>}
          <Link className="button hero__details" to={`/movie/${movie.id}`} state={backStateFrom(location)}>
            Details<span className="visually-hidden"> about {movie.title}</span>
          </Link>
        </div>
      </div>
    </section>
  );
}
