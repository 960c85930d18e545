#!/usr/bin/env node
// Prints every chunk of the production build (raw and gzip bytes) and the JavaScript the initial route loads:
// the entry chunk of index.html plus everything it imports statically (lazy routes are excluded). Exits 1 when
// that total is over the budget. Usage: node scripts/bundle-size.mjs [--dist DIR] [--budget-kb N] [--json]
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const appDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const defaultBudgetKb = 120;

function parseArgs(argv) {
  const options = { dist: join(appDir, 'dist'), budgetKb: defaultBudgetKb, json: false };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--json') options.json = true;
    else if (arg === '--dist') options.dist = resolve(argv[++i] ?? '');
    else if (arg === '--budget-kb') {
      const value = Number(argv[++i]);
      if (!Number.isFinite(value) || value <= 0)
        fail(`--budget-kb must be a positive number, got "${argv[i]}"`);
      options.budgetKb = value;
    } else fail(`unknown argument "${arg}" (allowed: --dist DIR, --budget-kb N, --json)`);
  }
  return options;
}

function fail(message) {
  console.error(`bundle-size: ${message}`);
  process.exit(2);
}

const kb = (bytes) => `${(bytes / 1000).toFixed(2)} kB`;

function listFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

/** The entry chunk and its static import closure, from Vite's build manifest. */
function initialRouteFiles(manifest) {
  const entries = Object.entries(manifest).filter(([, chunk]) => chunk.isEntry);
  if (entries.length === 0) fail('the build manifest has no entry chunk');
  const seen = new Set();
  const files = [];
  const visit = (key) => {
    if (seen.has(key)) return;
    seen.add(key);
    const chunk = manifest[key];
    if (!chunk) fail(`the build manifest references a missing chunk "${key}"`);
    if (chunk.file.endsWith('.js')) files.push(chunk.file);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  for (const [key] of entries) visit(key);
  return files;
}

function main() {
  const options = parseArgs(process.argv.slice(2));
  const manifestPath = join(options.dist, '.vite', 'manifest.json');
  if (!existsSync(manifestPath)) {
    fail(
      `no build at ${relative(process.cwd(), options.dist) || '.'} (missing .vite/manifest.json): run the build first`,
    );
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const initial = new Set(initialRouteFiles(manifest));

  const chunks = listFiles(options.dist)
    .filter((path) => /\.(js|css)$/.test(path))
    .map((path) => {
      const content = readFileSync(path);
      const file = relative(options.dist, path);
      return {
        file,
        raw: content.length,
        gzip: gzipSync(content, { level: 9 }).length,
        initial: initial.has(file),
      };
    })
    .sort((a, b) => Number(b.initial) - Number(a.initial) || b.gzip - a.gzip);

  const initialChunks = chunks.filter((chunk) => chunk.initial);
  const initialRaw = initialChunks.reduce((sum, chunk) => sum + chunk.raw, 0);
  const initialGzip = initialChunks.reduce((sum, chunk) => sum + chunk.gzip, 0);
  const budgetBytes = options.budgetKb * 1000;
  const withinBudget = initialGzip <= budgetBytes;

  if (options.json) {
    console.log(JSON.stringify({ chunks, initialRaw, initialGzip, budgetBytes, withinBudget }, null, 2));
  } else {
    const width = Math.max(...chunks.map((chunk) => chunk.file.length), 5);
    console.log(`${'chunk'.padEnd(width)}  ${'raw'.padStart(11)}  ${'gzip'.padStart(11)}  initial route`);
    for (const chunk of chunks) {
      console.log(
        `${chunk.file.padEnd(width)}  ${kb(chunk.raw).padStart(11)}  ${kb(chunk.gzip).padStart(11)}  ${chunk.initial ? 'yes' : ''}`,
      );
    }
    console.log(
      `initial-route JS: ${kb(initialRaw)} raw, ${kb(initialGzip)} gzip (${initialChunks.length} chunks) — budget ${kb(budgetBytes)} gzip: ${withinBudget ? 'OK' : 'OVER BUDGET'}`,
    );
  }
  if (!withinBudget) process.exit(1);
}

main();
