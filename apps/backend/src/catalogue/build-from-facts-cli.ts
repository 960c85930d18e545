import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { buildCatalogue, readOverviews, serialiseCatalogue } from './build-from-facts.js';
import { factsDir, loadFacts } from './facts.js';
import { catalogueFilePath } from './load.js';
import { CATALOGUE_NAMES, type CatalogueName } from './schema.js';

const USAGE = `Usage: pnpm --filter @movies/backend data:build [-- --catalogue bollywood|hollywood] [--facts DIR] [--check]
Rebuilds apps/backend/data/<catalogue>-data/catalogue.json from the TMDB facts (default apps/backend/data/tmdb-facts,
or TMDB_FACTS_DIR) and apps/backend/data/overviews/<catalogue>.json.
--check writes nothing and exits 1 when a bundled catalogue differs from what the build produces.`;

/** Builds one catalogue and writes it (or, with check, compares it); false when check finds it stale. */
function buildOne(name: CatalogueName, facts: string, check: boolean): boolean {
  const { catalogue, dropped } = buildCatalogue(name, loadFacts(name, facts), readOverviews(name));
  const file = catalogueFilePath(`${name}-data`);
  const text = serialiseCatalogue(catalogue);
  const withOverview = catalogue.movies.filter((movie) => movie.overview !== null).length;
  const summary = `${name}: ${catalogue.movies.length} films, ${catalogue.genres.length} genres, ${withOverview} overviews`;
  if (check) {
    const same = readFileSync(file, 'utf8') === text;
    process.stdout.write(`${summary}: ${same ? 'up to date' : `${file} differs from the build`}\n`);
    return same;
  }
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
  process.stdout.write(`${summary} → ${file}\n`);
  for (const film of dropped) process.stdout.write(`  dropped ${film.id} "${film.title}": ${film.reason}\n`);
  return true;
}

function main(): number {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((arg) => arg !== '--'),
    options: {
      catalogue: { type: 'string' },
      facts: { type: 'string' },
      check: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const names: readonly CatalogueName[] = values.catalogue
    ? [values.catalogue as CatalogueName]
    : CATALOGUE_NAMES;
  if (!names.every((name) => CATALOGUE_NAMES.includes(name))) {
    process.stderr.write(`--catalogue must be bollywood or hollywood\n${USAGE}\n`);
    return 1;
  }
  let stale = 0;
  for (const name of names) if (!buildOne(name, values.facts ?? factsDir(), values.check)) stale += 1;
  return stale > 0 ? 1 : 0;
}

try {
  process.exitCode = main();
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exitCode = 1;
}
