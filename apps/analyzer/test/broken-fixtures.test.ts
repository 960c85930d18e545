import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { renderedObjects } from '@movies/mesh/testing';
import { describe, expect, it } from 'vitest';
import { analyzeObjects, CHECKS, expectedSplitOf, formatFinding } from '../src/index.js';
import { loadFixture } from './fixture.js';

const fixturesDir = join(import.meta.dirname, 'fixtures', 'broken');
const fixtures = readdirSync(fixturesDir)
  .filter((name) => name.endsWith('.yaml'))
  .sort()
  .map((name) => loadFixture(join(fixturesDir, name)));

function analyzeFixture(fixture: (typeof fixtures)[number], objects: Array<Record<string, unknown>>) {
  const expectedSplit = fixture.split === 'none' ? undefined : expectedSplitOf(fixture.base)?.split;
  return analyzeObjects(fixture.apply(objects), { expectedSplit, overlay: fixture.base }).map(
    (finding) => `[${finding.check}] ${formatFinding(finding)}`,
  );
}

describe('broken fixtures: each check fails with a readable message', () => {
  it.each(fixtures.map((fixture) => [fixture.file.split('/').at(-1), fixture] as const))(
    '%s',
    async (_name, fixture) => {
      const base = await renderedObjects(fixture.base);
      // The unbroken base is clean, so every finding below comes from the fixture's one change.
      expect(analyzeObjects(base, { expectedSplit: expectedSplitOf(fixture.base)?.split })).toEqual([]);
      expect(analyzeFixture(fixture, base).sort()).toEqual([...fixture.expected].sort());
    },
    60_000,
  );

  it('every check has at least one fixture proving it fails', () => {
    const proven = new Set(
      fixtures.flatMap((fixture) => fixture.expected.map((line) => /^\[([\w-]+)\]/.exec(line)?.[1])),
    );
    const unproven = Object.keys(CHECKS).filter((check) => !proven.has(check));
    expect(unproven).toEqual([]);
  });
});
