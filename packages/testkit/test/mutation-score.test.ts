/** The per-file mutation floors, on small hand-written Stryker reports (mutation-testing-report-schema). */
import type { MutationTestResult } from 'mutation-testing-report-schema';
import { describe, expect, it } from 'vitest';
import { belowFloor, DEFAULT_FLOOR, FLOORS, fileScores, missingFloors } from '../src/mutation-score.js';

type Status = 'Killed' | 'Survived' | 'NoCoverage' | 'Timeout' | 'Ignored' | 'CompileError';

function file(statuses: Status[]): MutationTestResult['files'][string] {
  return {
    language: 'typescript',
    source: 'const a = 1;\n',
    mutants: statuses.map((status, index) => ({
      id: String(index),
      mutatorName: 'ConditionalExpression',
      replacement: 'true',
      status,
      location: { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } },
    })),
  };
}

function report(files: Record<string, Status[]>): MutationTestResult {
  return {
    schemaVersion: '2',
    thresholds: { high: 90, low: 85 },
    files: Object.fromEntries(Object.entries(files).map(([name, statuses]) => [name, file(statuses)])),
  };
}

const killed = (n: number): Status[] => Array.from({ length: n }, () => 'Killed');

describe('fileScores', () => {
  it('scores killed and timed-out mutants over valid ones, uncovered included, ignored and errors left out', () => {
    const scores = fileScores(
      report({
        'b.ts': [...killed(8), 'Timeout', 'Survived', 'Ignored', 'CompileError'],
        'a.ts': [...killed(3), 'NoCoverage'],
        'c.ts': ['Ignored'],
      }),
      { 'a.ts': 90 },
    );
    expect(scores).toEqual([
      { file: 'a.ts', score: 75, floor: 90, killed: 3, survived: 0, noCoverage: 1 },
      { file: 'b.ts', score: 90, floor: DEFAULT_FLOOR, killed: 9, survived: 1, noCoverage: 0 },
      { file: 'c.ts', score: null, floor: DEFAULT_FLOOR, killed: 0, survived: 0, noCoverage: 0 },
    ]);
  });
});

describe('belowFloor', () => {
  it('names each file under its floor with its score, and passes one exactly at it', () => {
    const scores = fileScores(
      report({
        'at.ts': [...killed(17), 'Survived', 'Survived', 'NoCoverage'],
        'under.ts': [...killed(5), 'Survived'],
      }),
      { 'at.ts': 85, 'under.ts': 90 },
    );
    expect(belowFloor(scores)).toEqual([
      'under.ts: mutation score 83.33 % is below its floor of 90 % (1 survived, 0 not covered)',
    ]);
  });
});

describe('missingFloors', () => {
  it('names a floored file the report does not hold', () => {
    expect(missingFloors(report({ 'a.ts': killed(1) }), { 'a.ts': 90, 'gone.ts': 90 })).toEqual([
      'gone.ts: has a floor of 90 % but is not in the mutation report',
    ]);
  });

  it('holds the six modules of the issue at 90 %', () => {
    expect(Object.values(FLOORS)).toEqual([90, 90, 90, 90, 90, 90]);
    expect(Object.keys(FLOORS)).toHaveLength(6);
  });
});
