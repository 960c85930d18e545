#!/usr/bin/env node
// Sums every suite's Vitest JSON report (apps/*/.test-results/*.json) into the one line CI reads:
// "N passed, N failed[, N skipped]". `--clean` removes old reports first so a stale file never counts.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const apps = join(root, 'apps');
const reportDirs = readdirSync(apps).map((name) => join(apps, name, '.test-results'));

if (process.argv.includes('--clean')) {
  for (const dir of reportDirs) rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

let passed = 0;
let failed = 0;
let skipped = 0;
const rows = [];
for (const dir of reportDirs) {
  if (!existsSync(dir)) continue;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const report = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    // A suite file that failed to load counts as a failure even though it ran no test.
    const brokenFiles = (report.testResults ?? []).filter(
      (r) => r.status === 'failed' && (r.assertionResults ?? []).length === 0,
    ).length;
    const p = report.numPassedTests ?? 0;
    const f = (report.numFailedTests ?? 0) + brokenFiles;
    const s = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
    passed += p;
    failed += f;
    skipped += s;
    rows.push(`${dirname(dir).split('/').pop()}/${file}: ${p} passed, ${f} failed, ${s} skipped`);
  }
}
for (const row of rows) console.log(`  ${row}`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
