import { Link } from 'react-router';
import type { Genre } from '../types/api';

/** A film's genres as chips, each a link to the browse page filtered on it. */
export function GenreChips({ genres, label = 'Genres' }: { genres: Genre[]; label?: string }) {
  if (genres.length === 0) return null;
  return (
    <ul className="genre-chips" aria-label={label}>
      {genres.map((genre) => (
        <li key={genre.id}>
          <Link className="chip" to={`/browse?genre=${genre.id}`}>
            {genre.name}
          </Link>
        </li>
      ))}
    </ul>
  );
}

/** Names for a film's genre ids, in the film's order, from a genre list (unknown ids are left out). */
export function genresOf(genreIds: number[], known: Genre[] | undefined): Genre[] {
  return genreIds.flatMap((id) => {
    const genre = known?.find((candidate) => candidate.id === id);
    return genre ? [{ id: genre.id, name: genre.name }] : [];
  });
}
