import { describe, expect, it } from 'vitest';
import { buildTestReport, formatTestReport } from '../src/commands/test.js';
import { type Outcome, runLoad, Tally } from '../src/load.js';
import { bar } from '../src/render.js';
import { normalizeUrl } from '../src/target.js';

const meta = {
  target: 'http://127.0.0.1:8080',
  mode: 'local' as const,
  source: '80-20',
  path: '/api/',
  headers: {},
  requests: 0,
  concurrency: 10,
  durationMs: 1000,
  alpha: 0.001,
};

function tallyOf(outcomes: Array<[Outcome, number]>): Tally {
  const tally = new Tally();
  for (const [outcome, times] of outcomes) for (let i = 0; i < times; i++) tally.add(outcome);
  return tally;
}

const v = (version: string): Outcome => ({ kind: 'version', version, status: 200, latencyMs: 5 });

describe('buildTestReport verdicts and exit codes', () => {
  it('0 when the split matches and nothing failed', () => {
    const report = buildTestReport(
      tallyOf([
        [v('v1'), 800],
        [v('v2'), 200],
      ]),
      { v1: 80, v2: 20 },
      { ...meta, requests: 1000 },
    );
    expect(report).toMatchObject({
      verdict: 'pass',
      exitCode: 0,
      successRate: 100,
      observedSplit: { v1: 80, v2: 20 },
    });
    expect(report.percentages).toEqual({ v1: 80, v2: 20, unknown: 0, errors: 0 });
  });

  it('judges each version on its own answers: a failing canary is not diluted by the stable version', () => {
    const report = buildTestReport(
      tallyOf([
        [v('v1'), 950],
        [v('v2'), 35],
        [{ kind: 'http-error', status: 500, latencyMs: 1, version: 'v2' }, 15],
        [{ kind: 'http-error', status: 503, latencyMs: 1 }, 2],
      ]),
      { v1: 95, v2: 5 },
      { ...meta, requests: 1002 },
    );
    expect(report.successRate).toBeCloseTo(98.3, 1);
    expect(report.errors.byVersion).toEqual({ v2: 15 });
    expect(report.successRateByVersion).toEqual({ v1: 100, v2: 70 });
    expect(formatTestReport(report, false)).toMatch(
      /errors stated by a version: v2 15 \(70\.0 % of its answers 2xx\)/,
    );
  });

  it('1 when the split does not match', () => {
    const report = buildTestReport(
      tallyOf([
        [v('v1'), 500],
        [v('v2'), 500],
      ]),
      { v1: 80, v2: 20 },
      { ...meta, requests: 1000 },
    );
    expect(report).toMatchObject({ verdict: 'split-mismatch', exitCode: 1 });
  });

  it('2 when any request failed or stated no version, even if the split matches', () => {
    const withErrors = tallyOf([
      [v('v1'), 800],
      [v('v2'), 200],
      [{ kind: 'http-error', status: 503, latencyMs: 1 }, 3],
      [{ kind: 'network-error', code: 'ECONNRESET', latencyMs: 1 }, 1],
    ]);
    const report = buildTestReport(withErrors, { v1: 80, v2: 20 }, { ...meta, requests: 1004 });
    expect(report).toMatchObject({
      verdict: 'errors',
      exitCode: 2,
      errors: { total: 4, byStatus: { '503': 3 }, byNetworkError: { ECONNRESET: 1 } },
    });
    expect(report.chiSquare.pass).toBe(true);
    expect(formatTestReport(report, false)).toMatch(/errors: HTTP 503 × 3, ECONNRESET × 1/);
    const unknown = buildTestReport(
      tallyOf([
        [v('v1'), 80],
        [v('v2'), 20],
        [{ kind: 'unknown', status: 200, latencyMs: 1 }, 1],
      ]),
      { v1: 80, v2: 20 },
      { ...meta, requests: 101 },
    );
    expect(unknown).toMatchObject({ verdict: 'errors', exitCode: 2, unknown: 1 });
    expect(formatTestReport(unknown, false)).toContain('1 answers stated no version');
  });

  it('fails when the configured weights could not be read, rather than passing untested', () => {
    const report = buildTestReport(tallyOf([[v('v1'), 10]]), undefined, { ...meta, requests: 10 });
    expect(report).toMatchObject({ configured: null, exitCode: 1 });
    expect(report.chiSquare.reason).toMatch(/could not be read/);
  });

  it('draws observed and configured bars', () => {
    const report = buildTestReport(
      tallyOf([
        [v('v1'), 75],
        [v('v2'), 25],
      ]),
      { v1: 80, v2: 20 },
      { ...meta, requests: 100 },
    );
    const text = formatTestReport(report, false);
    expect(text).toContain(`observed    ${bar(75, 40)} 75.0 %`);
    expect(text).toContain(`configured  ${bar(20, 40, '░')} 20 %`);
  });
});

describe('helpers', () => {
  it('bar uses eighth blocks and clamps', () => {
    expect(bar(50, 4)).toBe('██  ');
    expect(bar(100, 4)).toBe('████');
    expect(bar(3.125, 4)).toBe('▏   ');
    expect(bar(150, 2)).toBe('██');
    expect(bar(-5, 2)).toBe('  ');
  });

  it('runLoad sends exactly N requests with at most C in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const seen: Outcome[] = [];
    await runLoad(
      {
        send: async () => {
          inFlight++;
          peak = Math.max(peak, inFlight);
          await new Promise((r) => setTimeout(r, 1));
          inFlight--;
          return v('v1');
        },
      },
      57,
      5,
      (o) => seen.push(o),
    );
    expect(seen).toHaveLength(57);
    expect(peak).toBeLessThanOrEqual(5);
  });

  it('normalizeUrl accepts host:port and URLs, and names the bad source', () => {
    expect(normalizeUrl('localhost:8080')).toBe('http://localhost:8080');
    expect(normalizeUrl('203.0.113.7')).toBe('http://203.0.113.7');
    expect(normalizeUrl('https://gw.example.com/')).toBe('https://gw.example.com');
    expect(normalizeUrl('http://gw.example.com/prefix/')).toBe('http://gw.example.com/prefix');
    expect(() => normalizeUrl('ftp://x')).toThrow(/--url must be http/);
    expect(() => normalizeUrl('http://', 'GATEWAY_URL')).toThrow(/GATEWAY_URL is not a URL/);
    expect(() => normalizeUrl('http://a/?q=1')).toThrow(/no query/);
  });
});
