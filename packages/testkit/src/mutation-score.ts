/**
 * `pnpm test:mutation`'s per-file floor. Stryker's `thresholds.break` judges the score of all mutated files
 * together; this reads its JSON report (mutation-testing-report-schema) and fails when any one file scores below
 * its floor: 85 % for every mutated file, 90 % for the modules whose mistakes break routing outright.
 * Scores come from mutation-testing-metrics, the library Stryker's own reporters use, so they match the HTML report.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { calculateMetrics } from 'mutation-testing-metrics';
import type { MutationTestResult } from 'mutation-testing-report-schema';

export const DEFAULT_FLOOR = 85;

/** Files (as the report names them, relative to the repository root) held to a higher floor. */
export const FLOORS: Readonly<Record<string, number>> = {
  'packages/mesh/src/weights.ts': 90,
  'packages/mesh/src/sticky-sessions.ts': 90,
  'packages/mesh/src/header-operations.ts': 90,
  'packages/mesh/src/http-route.ts': 90,
  'apps/gateway/src/retry-policy.ts': 90,
  'apps/gateway/src/outcomes.ts': 90,
};

export interface FileScore {
  file: string;
  /** Killed and timed-out mutants over all valid ones, in percent; null when the file has no valid mutant. */
  score: number | null;
  floor: number;
  killed: number;
  survived: number;
  noCoverage: number;
}

/** Each mutated file's score and floor, in file name order. */
export function fileScores(
  report: MutationTestResult,
  floors: Readonly<Record<string, number>> = FLOORS,
): FileScore[] {
  return Object.keys(report.files)
    .sort()
    .map((file) => {
      const { metrics } = calculateMetrics({
        [file]: report.files[file] as MutationTestResult['files'][string],
      });
      return {
        file,
        score: Number.isNaN(metrics.mutationScore) ? null : metrics.mutationScore,
        floor: floors[file] ?? DEFAULT_FLOOR,
        killed: metrics.killed + metrics.timeout,
        survived: metrics.survived,
        noCoverage: metrics.noCoverage,
      };
    });
}

/** One line per file below its floor, naming the file, its score and the floor. */
export function belowFloor(scores: readonly FileScore[]): string[] {
  return scores
    .filter((s) => s.score !== null && s.score < s.floor)
    .map(
      (s) =>
        `${s.file}: mutation score ${s.score?.toFixed(2)} % is below its floor of ${s.floor} % ` +
        `(${s.survived} survived, ${s.noCoverage} not covered)`,
    );
}

/** A floor named for a file the report does not hold: a rename would otherwise drop the check silently. */
export function missingFloors(
  report: MutationTestResult,
  floors: Readonly<Record<string, number>> = FLOORS,
): string[] {
  return Object.keys(floors)
    .filter((file) => !(file in report.files))
    .map((file) => `${file}: has a floor of ${floors[file]} % but is not in the mutation report`);
}

function main(): void {
  const root = fileURLToPath(new URL('../../..', import.meta.url));
  const reportFiles = process.argv.slice(2);
  if (reportFiles.length === 0) reportFiles.push('reports/mutation/mutation.json');
  // Each Stryker run writes its own report; their files do not overlap, so one merged report holds them all.
  const report: MutationTestResult = { schemaVersion: '2', thresholds: { high: 90, low: 85 }, files: {} };
  for (const name of reportFiles) {
    const reportFile = resolve(root, name);
    try {
      const part = JSON.parse(readFileSync(reportFile, 'utf8')) as MutationTestResult;
      Object.assign(report.files, part.files);
    } catch (error) {
      console.error(
        `mutation floors: cannot read the Stryker JSON report ${reportFile}: ${(error as Error).message}`,
      );
      process.exitCode = 1;
      return;
    }
  }
  const scores = fileScores(report);
  for (const s of scores) {
    const score = s.score === null ? 'n/a' : `${s.score.toFixed(2)} %`;
    console.log(`${score.padStart(8)}  (floor ${s.floor} %)  ${s.file}`);
  }
  const problems = [...missingFloors(report), ...belowFloor(scores)];
  for (const problem of problems) console.error(`mutation floors: ${problem}`);
  if (problems.length > 0) process.exitCode = 1;
  else console.log(`mutation floors: all ${scores.length} files at or above their floors`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
