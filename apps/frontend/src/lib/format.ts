import type { Movie } from '../types/api';

const dateFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});

/** "2025-07-18" → "18 July 2025"; anything that is not a calendar date → null. */
export function formatReleaseDate(date: string | null | undefined): string | null {
  if (!date || !/^\d{4}-\d{2}-\d{2}$/.test(date)) return null;
  const parsed = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== date) return null;
  return dateFormat.format(parsed);
}

export function releaseYear(releaseDate: string | null | undefined): string {
  const year = releaseDate?.slice(0, 4) ?? '';
  return /^\d{4}$/.test(year) ? year : '';
}

/** "7.4", or null while nobody has rated the film yet (TMDB then reports 0 from 0 votes). */
export function ratingText(movie: Pick<Movie, 'vote_average' | 'vote_count'>): string | null {
  if (movie.vote_count === 0) return null;
  return movie.vote_average.toFixed(1);
}
