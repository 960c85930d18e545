import { useCallback } from 'react';
import { useParams } from 'react-router';
import { ErrorState, Loading, NotFoundState } from '../../../components/query-states';
import { catalogueLabel } from '../../../lib/catalogue';
import { getGenres } from '../../../lib/genres';
import { useApiQuery } from '../../../lib/use-api-query';
import { useDocumentTitle } from '../../../lib/use-document-title';
import type { ServedBy } from '../../../types/api';
import { getMovie } from '../api/get-movie';
import { MovieDetails } from './movie-details';

/** Why there is no movie: the id is not one, or the catalogue that answered has no such movie. */
function notFoundText(rawId: string, id: number | null, servedBy: ServedBy | null): string {
  if (id === null) return `“${rawId}” is not a movie id.`;
  const by = servedBy?.version ? ` served by ${servedBy.version}` : '';
  return `The ${catalogueLabel(servedBy)} catalogue${by} has no movie ${id}. Each version serves its own catalogue, so a film of the other one is not found here.`;
}

export function MovieDetailView() {
  const { id: rawId = '' } = useParams();
  const id = /^\d{1,9}$/.test(rawId) ? Number(rawId) : null;
  const fetchMovie = useCallback(
    (signal: AbortSignal) => (id === null ? Promise.reject(new Error('invalid id')) : getMovie(id, signal)),
    [id],
  );
  // An invalid id asks nothing, so the badge keeps showing the visitor's pin.
  const movie = useApiQuery(`movie:${rawId}`, fetchMovie, { main: id !== null });
  const genres = useApiQuery('genres', getGenres);
  useDocumentTitle(movie.status === 'success' ? movie.data.title : 'Movie');

  if (id === null || (movie.status === 'error' && movie.error.status === 404)) {
    const servedBy = movie.status === 'error' ? movie.error.servedBy : null;
    return (
      <NotFoundState title="Movie not found" onRetry={id === null ? undefined : movie.retry}>
        <p>{notFoundText(rawId, id, servedBy)}</p>
      </NotFoundState>
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

  return <MovieDetails movie={movie.data} servedBy={movie.servedBy} knownGenres={genres.data} />;
}
