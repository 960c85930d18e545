import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '@movies/contracts/errors';
import { BUNDLED_CATALOGUES } from '../config.js';
import { Catalogue } from './catalogue.js';
import { catalogueFileSchema } from './schema.js';

/**
 * apps/backend/data, found relative to this module: two levels up from src/catalogue/ (tsx, tests), one up from
 * the built dist/server.js bundle (node, the image).
 */
const dataRoots = ['../../data/', '../data/'].map((relative) =>
  fileURLToPath(new URL(relative, import.meta.url)),
);
export const BUNDLED_DATA_ROOT =
  dataRoots.find((root) => existsSync(path.join(root, BUNDLED_CATALOGUES[0]))) ?? (dataRoots[0] as string);

export const CATALOGUE_FILE_NAME = 'catalogue.json';

export class CatalogueLoadError extends AppError {
  override name = 'CatalogueLoadError';
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super('DATA_INVALID', `Cannot load catalogue ${file}: ${detail}`);
  }
}

/**
 * DATA_DIR is either a bundled catalogue name or an absolute directory (validated by config). Only the fixed file
 * name catalogue.json inside it is ever read, so nothing in a request can steer the server elsewhere.
 */
export function catalogueFilePath(dataDir: string, dataRoot = BUNDLED_DATA_ROOT): string {
  if ((BUNDLED_CATALOGUES as readonly string[]).includes(dataDir)) {
    return path.join(dataRoot, dataDir, CATALOGUE_FILE_NAME);
  }
  if (!path.isAbsolute(dataDir) || path.normalize(dataDir) !== dataDir) {
    throw new CatalogueLoadError(
      dataDir,
      'DATA_DIR must be a bundled catalogue name or a normalised absolute path',
    );
  }
  return path.join(dataDir, CATALOGUE_FILE_NAME);
}

export function loadCatalogue(dataDir: string, dataRoot = BUNDLED_DATA_ROOT): Catalogue {
  const file = catalogueFilePath(dataDir, dataRoot);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CatalogueLoadError(
      file,
      code === 'ENOENT' ? 'file not found' : `unreadable (${code ?? 'error'})`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CatalogueLoadError(file, `invalid JSON (${(error as Error).message})`);
  }
  const parsed = catalogueFileSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    const more = parsed.error.issues.length > 3 ? ` (+${parsed.error.issues.length - 3} more)` : '';
    throw new CatalogueLoadError(file, `invalid catalogue: ${issues.join('; ')}${more}`);
  }
  return new Catalogue(parsed.data);
}
