/** `traffic test`'s numbers and verdict from a tally: shares, intervals, rates, latency percentiles (no network). */
import { describe, expect, it } from 'vitest';
import { buildTestReport } from '../src/commands/test.js';
import { type Outcome, Tally } from '../src/load.js';

const meta = {
  target: 'http://127.0.0.1:8080',
  mode: 'local' as const,
  source: '80-20',
  path: '/api/',
  headers: {},
  requests: 0,
  concurrency: 1,
  durationMs: 2000,
  alpha: 0.001,
};

const answer = (version: string, latencyMs = 5): Outcome => ({
  kind: 'version',
  version,
  status: 200,
  latencyMs,
});

function tallyOf(outcomes: Outcome[]): Tally {
  const tally = new Tally();
  for (const outcome of outcomes) tally.add(outcome);
  return tally;
}

describe('buildTestReport numbers', () => {
  it('reports zeros, not NaN, when nothing answered', () => {
    const report = buildTestReport(new Tally(), { v1: 100 }, { ...meta, durationMs: 0 });
    expect(report.percentages).toEqual({ v1: 0, unknown: 0, errors: 0 });
    expect(report.observedSplit).toEqual({ v1: 0 });
    expect(report.successRate).toBe(0);
    expect(report.requestsPerSecond).toBe(0);
    expect(report.intervals).toEqual({ v1: { low: 0, high: 100 } });
    expect(report.latencyMs).toEqual({ p50: null, p90: null, p99: null });
    expect(report.verdict).toBe('split-mismatch');
  });

  it('computes requests per second from the duration', () => {
    const tally = tallyOf(Array.from({ length: 10 }, () => answer('v1')));
    expect(buildTestReport(tally, { v1: 100 }, meta).requestsPerSecond).toBe(5);
    expect(buildTestReport(tally, { v1: 100 }, { ...meta, durationMs: 3000 }).requestsPerSecond).toBe(3.3);
  });

  it('gives each version its share and its 95 % Wilson interval in percent', () => {
    const tally = tallyOf([...Array.from({ length: 8 }, () => answer('v1')), answer('v2'), answer('v2')]);
    const report = buildTestReport(tally, { v1: 80, v2: 20 }, meta);
    expect(report.observedSplit).toEqual({ v1: 80, v2: 20 });
    expect(report.intervals).toEqual({ v1: { low: 49.02, high: 94.33 }, v2: { low: 5.67, high: 50.98 } });
  });

  it('keeps the chi-square reason when the weights are known, and replaces it when they are not', () => {
    const tally = tallyOf([answer('v1'), answer('v1')]);
    expect(buildTestReport(tally, { v1: 100 }, meta).chiSquare.reason).toBe(
      'every versioned answer came from v1, the only version with weight',
    );
    expect(buildTestReport(tally, undefined, meta).chiSquare.reason).toBe(
      'the configured weights for this request could not be read',
    );
  });

  it('takes latency percentiles from the sorted samples, rounded', () => {
    const latencies = [90.123, 10.004, 50, 30, 70, 20, 80, 40, 60, 100];
    const report = buildTestReport(tallyOf(latencies.map((ms) => answer('v1', ms))), { v1: 100 }, meta);
    expect(report.latencyMs).toEqual({ p50: 50, p90: 90.12, p99: 100 });
    const one = buildTestReport(tallyOf([answer('v1', 7.456)]), { v1: 100 }, meta);
    expect(one.latencyMs).toEqual({ p50: 7.46, p90: 7.46, p99: 7.46 });
  });
});
