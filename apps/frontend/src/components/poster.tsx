import { useState } from 'react';
import { releaseYear } from '../lib/format';
import { type ImageKind, tmdbImage } from '../lib/tmdb-images';
import type { Movie } from '../types/api';

/** A stable colour per movie id (golden-angle hue steps keep neighbouring ids apart). */
export function placeholderHue(id: number): number {
  return Math.round((Math.abs(id) * 137.508) % 360);
}

type ImageMovie = Pick<Movie, 'id' | 'title' | 'release_date' | 'poster_path' | 'backdrop_path'>;

type TmdbPictureProps = {
  kind: ImageKind;
  movie: ImageMovie;
  /** Next to the title (cards, hero, detail) the image adds nothing for a screen reader. */
  decorative: boolean;
  className?: string;
  /** The `sizes` attribute: how wide the image is drawn, so the browser picks the smallest sufficient file. */
  sizes: string;
  /** Above the fold (hero, detail): load at once. Everything else loads lazily. */
  priority: boolean;
};

/**
 * The TMDB image when the movie has one and images are on, else (or when it fails to load) a generated
 * placeholder. The frame's aspect ratio reserves the space either way, so nothing moves when an image arrives or
 * fails.
 */
function TmdbPicture({ kind, movie, decorative, className, sizes, priority }: TmdbPictureProps) {
  const [failed, setFailed] = useState(false);
  const image = tmdbImage(kind, kind === 'poster' ? movie.poster_path : movie.backdrop_path);
  const year = releaseYear(movie.release_date);
  const label = `${kind === 'poster' ? 'Poster' : 'Still'} of ${movie.title}${year ? ` (${year})` : ''}`;
  const frame = `${kind} ${className ?? ''}`.trim();

  if (image && !failed) {
    return (
      <div className={frame}>
        <img
          className={`${kind}__image`}
          src={image.src}
          srcSet={image.srcSet}
          sizes={sizes}
          alt={decorative ? '' : label}
          width={image.width}
          height={image.height}
          loading={priority ? 'eager' : 'lazy'}
          decoding="async"
          {...(priority ? { fetchPriority: 'high' as const } : {})}
          onError={() => setFailed(true)}
        />
      </div>
    );
  }

  const hue = placeholderHue(movie.id);
  return (
    <div
      className={`${frame} ${kind}--placeholder`}
      style={{
        background: `linear-gradient(160deg, hsl(${hue} 55% 38%), hsl(${(hue + 40) % 360} 60% 18%))`,
      }}
      data-testid={`${kind}-placeholder`}
      {...(decorative ? { 'aria-hidden': true } : { role: 'img', 'aria-label': label })}
    >
      {/* A film-frame glyph, not the title: the title is always printed next to the picture. */}
      <svg className="placeholder__glyph" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
        <path
          d="M4 3h16a1 1 0 0 1 1 1v16a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1Zm1 2v2h2V5H5Zm12 0v2h2V5h-2ZM5 9v2h2V9H5Zm12 0v2h2V9h-2ZM5 13v2h2v-2H5Zm12 0v2h2v-2h-2ZM5 17v2h2v-2H5Zm12 0v2h2v-2h-2ZM9 5v14h6V5H9Z"
          fill="currentColor"
        />
      </svg>
    </div>
  );
}

type ImageProps = {
  movie: ImageMovie;
  decorative?: boolean;
  className?: string;
  sizes?: string;
  priority?: boolean;
};

/** A 2:3 poster: TMDB's w185/w342/w500 as a srcset. */
export function Poster({
  decorative = false,
  sizes = '(max-width: 640px) 45vw, 200px',
  priority = false,
  ...props
}: ImageProps) {
  return <TmdbPicture kind="poster" decorative={decorative} sizes={sizes} priority={priority} {...props} />;
}

/** A 16:9 backdrop (a still from the film): TMDB's w780/w1280 as a srcset. Always beside the title. */
export function Backdrop({ sizes = '100vw', priority = false, ...props }: Omit<ImageProps, 'decorative'>) {
  return <TmdbPicture kind="backdrop" decorative sizes={sizes} priority={priority} {...props} />;
}
