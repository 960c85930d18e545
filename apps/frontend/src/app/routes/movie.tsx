import { useParams } from 'react-router';
import { MovieDetailView } from '../../features/movie-detail/components/movie-detail-view';

export default function MovieRoute() {
  const { id } = useParams();
  // A new id is a new page: remount so no state of the previous movie lingers.
  return <MovieDetailView key={id} />;
}
