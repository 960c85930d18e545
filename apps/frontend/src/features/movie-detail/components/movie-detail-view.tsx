import { useCallback } from 'react';
import { Link, useParams } from 'react-router';
import { CatalogueTag } from '../../../components/catalogue-tag';
import { Poster, releaseYear } from '../../../components/poster';
import { ErrorState, Loading } from '../../../components/query-states';
import { catalogueLabel } from '../../../lib/catalogue';
import { getGenres } from '../../../lib/genres';
import { useApiQuery } from '../../../lib/use-api-query';
import { useDocumentTitle } from '../../../lib/use-document-title';
import { getMovie } from '../api/get-movie';

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

export function MovieDetailView() {
  const { id: rawId = '' } = useParams();
  const id = /^\d{1,9}$/.test(rawId) ? Number(rawId) : null;
  const fetchMovie = useCallback(
    (signal: AbortSignal) => (id === null ? Promise.reject(new Error('invalid id')) : getMovie(id, signal)),
    [id],
  );
  const movie = useApiQuery(`movie:${rawId}`, fetchMovie);
  const genres = useApiQuery('genres', getGenres);
  useDocumentTitle(movie.status === 'success' ? movie.data.title : 'Movie');

  if (id === null || (movie.status === 'error' && movie.error.status === 404)) {
    const servedBy = movie.status === 'error' ? movie.error.servedBy : null;
    return (
      <div className="not-found">
        <h1>Movie not found</h1>
        <p>
          {id === null
            ? `“${rawId}” is not a movie id.`
            : `The ${catalogueLabel(servedBy)} catalogue${servedBy?.version ? ` served by ${servedBy.version}` : ''} has no movie ${id}.`}{' '}
          When traffic is split between versions, a movie from one catalogue is not found in the other.
        </p>
        <p>
          <Link to="/browse">Browse the catalogue</Link>
        </p>
      </div>
    );
  }
  if (movie.status === 'loading') {
    return (
      <>
        <h1 className="visually-hidden">Loading movie</h1>
        <Loading isSlow={movie.isSlow} skeletonCount={1} label="Loading the movie" />
      </>
    );
  }
  if (movie.status === 'error') {
    return (
      <>
        <h1 className="visually-hidden">Movie</h1>
        <ErrorState error={movie.error} onRetry={movie.retry} title="The movie could not be loaded" />
      </>
    );
  }

  const data = movie.data;
  const year = releaseYear(data.release_date);
  const genreNames =
    data.genres?.map((genre) => genre.name) ??
    data.genre_ids.map((genreId) => genres.data?.find((genre) => genre.id === genreId)?.name).filter(Boolean);
  const language = languageName(data.original_language);

  return (
    <article className="movie-detail" aria-labelledby="movie-title">
      <Poster movie={data} className="movie-detail__poster" />
      <div className="movie-detail__body">
        <CatalogueTag servedBy={movie.servedBy} />
        <h1 id="movie-title">
          {data.title}
          {year && <span className="movie-detail__year">{` (${year})`}</span>}
        </h1>
        {data.original_title && data.original_title !== data.title && (
          <p className="movie-detail__original">Original title: {data.original_title}</p>
        )}
        <dl className="movie-detail__facts">
          <div>
            <dt>Rating</dt>
            <dd>
              ★ {data.vote_average.toFixed(1)} / 10
              {data.vote_count !== undefined && ` (${data.vote_count.toLocaleString('en')} votes)`}
            </dd>
          </div>
          {data.release_date && (
            <div>
              <dt>Released</dt>
              <dd>
                <time dateTime={data.release_date}>{data.release_date}</time>
              </dd>
            </div>
          )}
          {language && (
            <div>
              <dt>Language</dt>
              <dd>{language}</dd>
            </div>
          )}
          {genreNames.length > 0 && (
            <div>
              <dt>Genres</dt>
              <dd>{genreNames.join(', ')}</dd>
            </div>
          )}
        </dl>
        <h2 className="visually-hidden">Overview</h2>
        <p className="movie-detail__overview">{data.overview || 'No overview available.'}</p>
        <p>
          <Link to="/browse">← Back to browse</Link>
        </p>
      </div>
    </article>
  );
}
