import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { progressBar } from '@movies/cli-kit';
import dotenv from 'dotenv';
import { z } from 'zod';
import { BUNDLED_DATA_ROOT, CATALOGUE_FILE_NAME } from '../catalogue/load.js';
import { CATALOGUE_NAMES, type CatalogueFile, catalogueFileSchema } from '../catalogue/schema.js';
import { loadConfig } from '../config.js';
import { refreshCatalogue } from './refresh-catalogue.js';
import { TmdbClient } from './tmdb-client.js';

const USAGE = `Usage: pnpm --filter @movies/backend data:refresh -- --catalogue bollywood|hollywood [--pages 8] [--out DIR] [--tmdb-overviews]
Regenerates DIR/catalogue.json (default: apps/backend/data/<catalogue>-data) from TMDB. Needs TMDB_API_KEY.`;

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

function readPrevious(file: string): CatalogueFile | undefined {
  try {
    return catalogueFileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  dotenv.config({ quiet: true });
  let args: ReturnType<typeof parseCli>;
  try {
    args = parseCli();
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`);
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const config = (() => {
    try {
      return loadConfig();
    } catch (error) {
      fail((error as Error).message);
    }
  })();
  if (!config.tmdb) fail('TMDB_API_KEY is required: set a TMDB v3 API key or v4 read access token');

  const outDir = path.resolve(args.out ?? path.join(BUNDLED_DATA_ROOT, `${args.catalogue}-data`));
  const file = path.join(outDir, CATALOGUE_FILE_NAME);
  const client = new TmdbClient({
    ...config.tmdb,
    cacheTtlMs: 0,
    timeoutMs: Math.max(config.tmdb.timeoutMs, 10_000),
  });
  // Plain lines off a terminal, so a CI log or a redirected run still shows the pages arriving.
  const bar = progressBar(args.pages + 1, `Fetching ${args.catalogue} from TMDB`, {
    notTty: 'lines',
    keep: true,
  });
  bar.start();
  let catalogue: CatalogueFile;
  try {
    catalogue = await refreshCatalogue({
      client,
      catalogue: args.catalogue,
      pages: args.pages,
      previous: readPrevious(file),
      tmdbOverviews: args.tmdbOverviews,
      onPage: () => bar.tick(),
    });
  } catch (error) {
    bar.finish();
    fail(`Refresh failed, ${file} left unchanged: ${(error as Error).message.split('\n')[0]}`);
  }
  bar.finish();
  mkdirSync(outDir, { recursive: true });
  // Write then rename, so a crash never leaves a half-written catalogue the server would refuse.
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(catalogue, null, 2)}\n`);
  renameSync(temporary, file);
  const genresUsed = new Set(catalogue.movies.flatMap((movie) => movie.genre_ids)).size;
  process.stdout.write(`Wrote ${catalogue.movies.length} movies across ${genresUsed} genres to ${file}\n`);
}

function parseCli() {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((arg) => arg !== '--'),
    options: {
      catalogue: { type: 'string' },
      pages: { type: 'string', default: '8' },
      out: { type: 'string' },
      'tmdb-overviews': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help)
    return { help: true as const, catalogue: 'bollywood' as const, pages: 0, tmdbOverviews: false };
  const parsed = z
    .object({
      catalogue: z.enum(CATALOGUE_NAMES, { error: '--catalogue must be bollywood or hollywood' }),
      pages: z.coerce
        .number({ error: '--pages must be 1 to 50' })
        .int('--pages must be 1 to 50')
        .min(1, '--pages must be 1 to 50')
        .max(50, '--pages must be 1 to 50'),
    })
    .safeParse(values);
  if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? 'invalid arguments');
  return {
    help: false as const,
    catalogue: parsed.data.catalogue,
    pages: parsed.data.pages,
    out: values.out,
    tmdbOverviews: values['tmdb-overviews'],
  };
}

await main();
