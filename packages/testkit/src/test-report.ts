/**
 * Turns what `pnpm test` ran into CI's one line, "N passed, N failed[, N skipped]", so that the failed count is
 * above 0 whenever anything failed: a stage (typecheck, lint, build), a test, a test file that errored outside
 * its tests (a throwing beforeAll reports its tests as skipped), a run that failed before any test (a throwing
 * globalSetup writes success: false with no test), a suite that wrote no report, or one that exited non-zero
 * with nothing failed in its report.
 */

/** The part of Vitest's JSON reporter output (Jest-compatible) that the summary reads. */
export interface VitestReport {
  success?: boolean;
  numPassedTests?: number;
  numFailedTests?: number;
  numPendingTests?: number;
  numTodoTests?: number;
  testResults?: Array<{
    name?: string;
    status?: string;
    message?: string;
    assertionResults?: Array<{ status?: string }>;
  }>;
}

export interface StageOutcome {
  kind: 'stage';
  name: string;
  /** The command's exit code; null when it was killed by a signal or could not start. */
  exitCode: number | null;
}

export interface SuiteOutcome {
  kind: 'suite';
  name: string;
  exitCode: number | null;
  /** The suite's JSON report, or undefined when it wrote none (or none that parses). */
  report: VitestReport | undefined;
}

export interface SkippedOutcome {
  kind: 'not-run';
  name: string;
  reason: string;
}

export type Outcome = StageOutcome | SuiteOutcome | SkippedOutcome;

export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

export interface Tallied extends Counts {
  name: string;
  /** Why the failed count includes more than the failed tests, one reason a line. */
  problems: string[];
}

const exitText = (code: number | null) => (code === null ? 'was killed or did not start' : `exited ${code}`);

function firstLine(text: string | undefined): string {
  return (text ?? '').trim().split('\n')[0]?.slice(0, 200) ?? '';
}

/** One line per test file that failed with no failed test inside it (a hook or an import threw). */
function filesFailedOutsideTests(report: VitestReport): string[] {
  return (report.testResults ?? [])
    .filter(
      (file) => file.status === 'failed' && !(file.assertionResults ?? []).some((t) => t.status === 'failed'),
    )
    .map((file) => {
      const why =
        firstLine(file.message) || 'a hook (beforeAll, afterAll) or an import threw; see its output above';
      return `${file.name ?? 'a test file'} failed outside its tests: ${why}`;
    });
}

function tallySuite({ name, exitCode, report }: SuiteOutcome): Tallied {
  if (!report) {
    return {
      name,
      passed: 0,
      failed: 1,
      skipped: 0,
      problems: [`wrote no test report (${exitText(exitCode)})`],
    };
  }
  const problems = filesFailedOutsideTests(report);
  let failed = (report.numFailedTests ?? 0) + problems.length;
  if (report.success === false && failed === 0) {
    failed += 1;
    problems.push('the run failed before or after its tests (a global setup or teardown, or a load error)');
  }
  if (exitCode !== 0 && failed === 0) {
    failed += 1;
    problems.push(`${exitText(exitCode)} with no failed test in its report`);
  }
  return {
    name,
    passed: report.numPassedTests ?? 0,
    failed,
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
    problems,
  };
}

/** One outcome's share of the summary. A stage counts as one check, passed or failed. */
export function tally(outcome: Outcome): Tallied {
  switch (outcome.kind) {
    case 'suite':
      return tallySuite(outcome);
    case 'stage':
      return outcome.exitCode === 0
        ? { name: outcome.name, passed: 1, failed: 0, skipped: 0, problems: [] }
        : { name: outcome.name, passed: 0, failed: 1, skipped: 0, problems: [exitText(outcome.exitCode)] };
    case 'not-run':
      return {
        name: outcome.name,
        passed: 0,
        failed: 1,
        skipped: 0,
        problems: [`not run: ${outcome.reason}`],
      };
  }
}

export function summaryLine({ passed, failed, skipped }: Counts): string {
  return `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
}

/** The per-outcome rows and, last, the summary line CI reads. */
export function summarize(outcomes: readonly Outcome[]): { lines: string[]; counts: Counts } {
  const counts: Counts = { passed: 0, failed: 0, skipped: 0 };
  const lines: string[] = [];
  for (const outcome of outcomes) {
    const row = tally(outcome);
    counts.passed += row.passed;
    counts.failed += row.failed;
    counts.skipped += row.skipped;
    lines.push(`  ${outcome.kind === 'stage' ? 'stage' : 'tests'} ${row.name}: ${summaryLine(row)}`);
    for (const problem of row.problems) lines.push(`    FAILED: ${problem}`);
  }
  lines.push(summaryLine(counts));
  return { lines, counts };
}
