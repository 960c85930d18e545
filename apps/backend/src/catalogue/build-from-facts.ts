import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { FilmFact, TmdbFacts } from './facts.js';
import { BUNDLED_DATA_ROOT } from './load.js';
import { type CatalogueFile, type CatalogueName, catalogueFileSchema, type Movie } from './schema.js';

/** What each bundled catalogue holds: v1 Hindi-language films, v2 English-language ones. */
export const CATALOGUE_LANGUAGE: Record<CatalogueName, string> = { bollywood: 'hi', hollywood: 'en' };

/**
 * Our own one- or two-sentence premises, keyed by TMDB id. The title is repeated so that an entry can never drift
 * onto another film: the build refuses an entry whose title is not the film's title in the facts.
 */
const overviewsSchema = z.record(
  z.string().regex(/^\d+$/, 'keys are TMDB ids'),
  z.strictObject({ title: z.string().min(1), overview: z.string().min(20).max(400) }),
);
export type Overviews = z.infer<typeof overviewsSchema>;

export const overviewsFile = (catalogue: CatalogueName, dataRoot = BUNDLED_DATA_ROOT) =>
  path.join(dataRoot, 'overviews', `${catalogue}.json`);

export function readOverviews(catalogue: CatalogueName, dataRoot = BUNDLED_DATA_ROOT): Overviews {
  const file = overviewsFile(catalogue, dataRoot);
  const parsed = overviewsSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  return parsed.data;
}

export interface DroppedFilm {
  id: number;
  title: string;
  reason: string;
}

export interface BuildResult {
  catalogue: CatalogueFile;
  dropped: DroppedFilm[];
}

/** Why a film of the facts cannot be in the catalogue, or null when it can. */
function dropReason(
  film: FilmFact,
  language: string,
  known: Set<number>,
  titles: Set<string>,
): string | null {
  if (film.release_date === '') return 'no release date (not released yet)';
  if (film.original_language !== language) return `original language ${film.original_language}`;
  if (film.genre_ids.length === 0) return 'no genres';
  const unknown = film.genre_ids.find((id) => !known.has(id));
  if (unknown !== undefined) return `genre ${unknown} is not in genres.json`;
  // Two films of one title would be two identical-looking cards; the facts list the more popular one first.
  if (titles.has(film.title)) return 'same title as a more popular film';
  return null;
}

/**
 * The bundled catalogue, built only from the TMDB facts and our overviews: every id, title, date, genre list,
 * rating and image path is the facts' own. Films are kept in the facts' order (most popular first).
 */
export function buildCatalogue(name: CatalogueName, facts: TmdbFacts, overviews: Overviews): BuildResult {
  const known = new Set(facts.genres.map((genre) => genre.id));
  const titles = new Set<string>();
  const dropped: DroppedFilm[] = [];
  const movies: Movie[] = [];
  for (const film of facts.films) {
    const reason = dropReason(film, CATALOGUE_LANGUAGE[name], known, titles);
    if (reason) {
      dropped.push({ id: film.id, title: film.title, reason });
      continue;
    }
    titles.add(film.title);
    movies.push({ ...film, overview: overviews[film.id]?.overview ?? null });
  }
  const byId = new Map(movies.map((movie) => [String(movie.id), movie]));
  for (const [id, entry] of Object.entries(overviews)) {
    const movie = byId.get(id);
    if (!movie)
      throw new Error(`overview for ${id} ("${entry.title}"): no such film in the ${name} catalogue`);
    if (movie.title !== entry.title) {
      throw new Error(
        `overview for ${id} is titled "${entry.title}" but TMDB's film ${id} is "${movie.title}"`,
      );
    }
  }
  const used = new Set(movies.flatMap((movie) => movie.genre_ids));
  const genres = facts.genres.filter((genre) => used.has(genre.id));
  // The same validation as start-up, so the build can never write a catalogue the server would refuse.
  return { catalogue: catalogueFileSchema.parse({ catalogue: name, genres, movies }), dropped };
}

export const serialiseCatalogue = (catalogue: CatalogueFile) => `${JSON.stringify(catalogue, null, 2)}\n`;
