import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { backendDataDir } from './paths';

export type CatalogueMovie = {
  id: number;
  title: string;
  original_title: string;
  overview: string | null;
  release_date: string;
  popularity: number;
  poster_path: string | null;
};
export type CatalogueFile = {
  catalogue: string;
  genres: Array<{ id: number; name: string }>;
  movies: CatalogueMovie[];
};

/** The bundled catalogue a backend serves, so tests derive expectations from the data instead of hard-coding. */
export function readCatalogue(dataDir: 'bollywood-data' | 'hollywood-data'): CatalogueFile {
  return JSON.parse(readFileSync(join(backendDataDir, dataDir, 'catalogue.json'), 'utf8')) as CatalogueFile;
}

export function byPopularity(catalogue: CatalogueFile): CatalogueMovie[] {
  return [...catalogue.movies].sort((a, b) => b.popularity - a.popularity || a.id - b.id);
}

export const searchKey = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
