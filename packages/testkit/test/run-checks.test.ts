import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runChecks, type Stage, type Suite } from '../src/run-checks.js';
import { type Outcome, summarize } from '../src/test-report.js';

// Real Vitest runs over small fixture projects, so the summary is checked against what this Vitest version
// really writes when a beforeAll or a globalSetup throws, not against a hand-written guess of its report.
const here = dirname(fileURLToPath(import.meta.url));
const vitestBin = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
const fixture = (name: string): Suite => {
  const dir = join(here, 'fixtures', name);
  return { name, dir, reportFile: join(dir, '.test-results', 'vitest.json') };
};
const vitestRun = { command: process.execPath, args: [vitestBin, 'run'] };
const nodeExit = (name: string, code: number, gatesSuites = false): Stage => ({
  name,
  command: process.execPath,
  args: ['-e', `process.exit(${code})`],
  gatesSuites,
});

async function runFixtures(names: string[], stages: Stage[] = []): Promise<Outcome[]> {
  return runChecks({ root: here, stages, suites: names.map(fixture), suiteCommand: vitestRun });
}

function only(outcomes: Outcome[]) {
  const { lines, counts } = summarize(outcomes);
  return { counts, lines, exitCodes: outcomes.map((o) => (o.kind === 'not-run' ? 'not run' : o.exitCode)) };
}

describe('the summary line of `pnpm test`', () => {
  it('counts a clean run as it is, skips included', async () => {
    const { counts, exitCodes, lines } = only(await runFixtures(['clean']));
    expect(exitCodes).toEqual([0]);
    expect(counts).toEqual({ passed: 1, failed: 0, skipped: 1 });
    expect(lines.at(-1)).toBe('1 passed, 0 failed, 1 skipped');
  });

  it('counts a throwing beforeAll as a failure although Vitest reports its tests as skipped', async () => {
    const outcomes = await runFixtures(['before-all-throws']);
    const { counts, exitCodes, lines } = only(outcomes);
    expect(exitCodes[0]).not.toBe(0);
    const report = outcomes[0]?.kind === 'suite' ? outcomes[0].report : undefined;
    expect(report?.numFailedTests).toBe(0); // what the old script summed: it printed "0 failed"
    expect(counts.passed).toBe(1);
    expect(counts.failed).toBeGreaterThanOrEqual(1);
    expect(lines.join('\n')).toContain('before-all-throws/suite.check.ts failed outside its tests');
  });

  it('counts a throwing globalSetup, which leaves a report with no test in it', async () => {
    const { counts, exitCodes, lines } = only(await runFixtures(['global-setup-throws']));
    expect(exitCodes[0]).not.toBe(0);
    expect(counts).toMatchObject({ passed: 0 });
    expect(counts.failed).toBeGreaterThanOrEqual(1);
    expect(lines.at(-1)).toMatch(/^0 passed, [1-9]\d* failed/);
  });

  it('counts a failing test once', async () => {
    const { counts } = only(await runFixtures(['test-fails']));
    expect(counts).toEqual({ passed: 0, failed: 1, skipped: 0 });
  });

  it('counts a failed stage, and a failed build leaves the suites not run and counted as failed', async () => {
    const outcomes = await runFixtures(
      ['clean'],
      [nodeExit('typecheck', 2), nodeExit('lint', 0), nodeExit('build', 1, true)],
    );
    const { counts, lines } = only(outcomes);
    expect(counts).toEqual({ passed: 1, failed: 3, skipped: 0 });
    expect(lines).toContain('  stage typecheck: 0 passed, 1 failed');
    expect(lines).toContain('    FAILED: not run: the build stage failed');
  });

  it('still runs the suites when only typecheck or lint failed', async () => {
    const outcomes = await runFixtures(['clean'], [nodeExit('typecheck', 0), nodeExit('lint', 1)]);
    expect(only(outcomes).counts).toEqual({ passed: 2, failed: 1, skipped: 1 });
  });

  it('counts a suite that wrote no report, and one that exited non-zero with nothing failed in its report', () => {
    const { counts, lines } = summarize([
      { kind: 'suite', name: 'silent', exitCode: 1, report: undefined },
      { kind: 'suite', name: 'odd', exitCode: 1, report: { success: true, numPassedTests: 3 } },
    ]);
    expect(counts).toEqual({ passed: 3, failed: 2, skipped: 0 });
    expect(lines.join('\n')).toContain('wrote no test report (exited 1)');
    expect(lines.join('\n')).toContain('exited 1 with no failed test in its report');
  });
});
