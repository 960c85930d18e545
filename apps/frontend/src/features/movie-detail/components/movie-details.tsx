import type { ReactNode } from 'react';
import { CatalogueTag } from '../../../components/catalogue-tag';
import { GenreChips, genresOf } from '../../../components/genre-chips';
import { Backdrop, Poster } from '../../../components/poster';
import { formatReleaseDate, ratingText, releaseYear } from '../../../lib/format';
import type { Genre, Movie, ServedBy } from '../../../types/api';
import { BackLink } from './back-link';

const languageNames = (() => {
  try {
    return new Intl.DisplayNames(['en'], { type: 'language' });
  } catch {
    return null;
  }
})();

function languageName(code: string | undefined): string | null {
  if (!code) return null;
  try {
    return languageNames?.of(code) ?? code;
  } catch {
    return code;
  }
}

function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** A film's page: its backdrop, poster, facts, genres as links to browse, and our overview when we have one. */
export function MovieDetails({
  movie,
  servedBy,
  knownGenres,
}: {
  movie: Movie;
  servedBy: ServedBy;
  knownGenres: Genre[] | undefined;
}) {
  const year = releaseYear(movie.release_date);
  const released = formatReleaseDate(movie.release_date);
  const rating = ratingText(movie);
  const language = languageName(movie.original_language);
  const genres = genresOf(movie.genre_ids, knownGenres);

  return (
    <article className="movie-detail" aria-labelledby="movie-title">
      <p className="movie-detail__back">
        <BackLink />
      </p>
      <Backdrop
        movie={movie}
        className="movie-detail__backdrop"
        sizes="(max-width: 1280px) 100vw, 1216px"
        priority
      />
      <div className="movie-detail__main">
        <Poster
          movie={movie}
          className="movie-detail__poster"
          sizes="(max-width: 640px) 40vw, 260px"
          priority
        />
        <div className="movie-detail__body">
          <CatalogueTag servedBy={servedBy} />
          <h1 id="movie-title">
            {movie.title}
            {year && <span className="movie-detail__year">{` (${year})`}</span>}
          </h1>
          {movie.original_title && movie.original_title !== movie.title && (
            <p className="movie-detail__original">
              Original title: <span lang={movie.original_language}>{movie.original_title}</span>
            </p>
          )}
          <GenreChips genres={genres} />
          <dl className="movie-detail__facts">
            <Fact term="Rating">
              {rating ? `★ ${rating} / 10` : 'Not rated yet'}
              {rating &&
                movie.vote_count !== undefined &&
                ` (${movie.vote_count.toLocaleString('en')} votes)`}
            </Fact>
            {released && (
              <Fact term="Released">
                <time dateTime={movie.release_date}>{released}</time>
              </Fact>
            )}
            {language && <Fact term="Language">{language}</Fact>}
          </dl>
          {movie.overview && (
            <>
              <h2 className="visually-hidden">Overview</h2>
              <p className="movie-detail__overview">{movie.overview}</p>
            </>
          )}
        </div>
      </div>
    </article>
  );
}
