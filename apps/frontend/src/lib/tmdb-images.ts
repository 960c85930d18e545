/**
 * Where posters and backdrops come from: TMDB's image CDN, or whatever VITE_TMDB_IMAGE_BASE names at build time.
 * An empty VITE_TMDB_IMAGE_BASE turns images off: every poster is a placeholder and nothing leaves the machine
 * (offline demos). The CSP (docker/nginx, vite.config.ts) must allow the same host.
 */
export const defaultTmdbImageBase = 'https://image.tmdb.org/t/p';

export function imageBaseFrom(setting: string | undefined): string {
  if (setting === undefined) return defaultTmdbImageBase;
  return setting.trim().replace(/\/+$/, '');
}

export const tmdbImageBase = imageBaseFrom(import.meta.env.VITE_TMDB_IMAGE_BASE);

/** TMDB's sizes: posters at 185/342/500 px wide (2:3), backdrops at 780/1280 px wide (16:9). */
export const imageKinds = {
  poster: { widths: [185, 342, 500], ratio: 3 / 2 },
  backdrop: { widths: [780, 1280], ratio: 9 / 16 },
} as const;

export type ImageKind = keyof typeof imageKinds;

export type TmdbImage = { src: string; srcSet: string; width: number; height: number };

/** `src` (the middle size), a `srcset` over every size, and the intrinsic size to reserve; null without an image. */
export function tmdbImage(
  kind: ImageKind,
  path: string | null | undefined,
  base: string = tmdbImageBase,
): TmdbImage | null {
  if (!base || !path) return null;
  const file = path.startsWith('/') ? path : `/${path}`;
  const { widths, ratio } = imageKinds[kind];
  const url = (width: number) => `${base}/w${width}${file}`;
  const width = widths[Math.floor((widths.length - 1) / 2)] ?? widths[0];
  return {
    src: url(width),
    srcSet: widths.map((size) => `${url(size)} ${size}w`).join(', '),
    width,
    height: Math.round(width * ratio),
  };
}
