import { useState } from 'react';
import type { Movie } from '../types/api';

export const tmdbImageBase = 'https://image.tmdb.org/t/p/w342';

export function posterUrl(posterPath: string | null | undefined): string | null {
  return posterPath ? `${tmdbImageBase}${posterPath.startsWith('/') ? '' : '/'}${posterPath}` : null;
}

/** A stable colour per movie id (golden-angle hue steps keep neighbouring ids apart). */
export function placeholderHue(id: number): number {
  return Math.round((Math.abs(id) * 137.508) % 360);
}

export function releaseYear(releaseDate: string | null | undefined): string {
  const year = releaseDate?.slice(0, 4) ?? '';
  return /^\d{4}$/.test(year) ? year : '';
}

type PosterProps = {
  movie: Pick<Movie, 'id' | 'title' | 'release_date' | 'poster_path'>;
  /** Cards show the title next to the poster, so there the image is decorative. */
  decorative?: boolean;
  className?: string;
};

/** The TMDB poster when the movie has one, else (or when it fails to load) a generated placeholder. */
export function Poster({ movie, decorative = false, className }: PosterProps) {
  const [failed, setFailed] = useState(false);
  const url = posterUrl(movie.poster_path);
  const year = releaseYear(movie.release_date);
  const label = `Poster of ${movie.title}${year ? ` (${year})` : ''}`;

  if (url && !failed) {
    return (
      <img
        className={`poster ${className ?? ''}`}
        src={url}
        alt={decorative ? '' : label}
        width={342}
        height={513}
        loading="lazy"
        decoding="async"
        onError={() => setFailed(true)}
      />
    );
  }

  const hue = placeholderHue(movie.id);
  return (
    <div
      className={`poster poster--placeholder ${className ?? ''}`}
      style={{
        background: `linear-gradient(160deg, hsl(${hue} 55% 38%), hsl(${(hue + 40) % 360} 60% 18%))`,
      }}
      data-testid="poster-placeholder"
      {...(decorative ? { 'aria-hidden': true } : { role: 'img', 'aria-label': label })}
    >
      <span className="poster__title">{movie.title}</span>
      {year && <span className="poster__year">{year}</span>}
    </div>
  );
}
