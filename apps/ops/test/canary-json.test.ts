import { describe, expect, it } from 'vitest';
import { canaryCheck, canaryVerdict, meshWeights, prometheusScalar } from '../src/canary-json.js';

describe("canary.sh's JSON, read by the ops helper", () => {
  it('reads the weights the gateway applied, a missing subset as 0', () => {
    expect(meshWeights({ weights: { v1: 90, v2: 10 } })).toBe('90 10');
    expect(meshWeights({ weights: { v1: 100 } })).toBe('100 0');
  });

  it("passes the gateway's refusal on, and refuses an answer whose weights break the contract", () => {
    expect(() =>
      meshWeights({ error: { code: 'unauthorized', message: 'PUT /__mesh needs the admin token' } }),
    ).toThrow('the gateway refused: PUT /__mesh needs the admin token');
    expect(() => meshWeights({ error: { code: 'bad_request' } })).toThrow(/holds no weights/);
    expect(() => meshWeights({ weights: { v1: '90', v2: 10 } })).toThrow(/holds no weights/);
    expect(() => meshWeights({ weights: { v1: 190, v2: -90 } })).toThrow(/holds no weights/);
  });

  it('reads a Prometheus sample to 2 decimals and refuses an answer without one', () => {
    expect(prometheusScalar({ data: { result: [{ value: [1700000000, '99.5'] }] } })).toBe('99.50');
    expect(() => prometheusScalar({ data: { result: [] } })).toThrow(/no finite sample/);
    expect(() => prometheusScalar({ data: { result: [{ value: [1, 'NaN'] }] } })).toThrow(/no finite sample/);
  });

  it("judges a check on v2's own answers once it has answered, on every answer before", () => {
    const report = {
      requests: 100,
      counts: { v1: 75, v2: 25 },
      successRate: 97,
      successRateByVersion: { v1: 100, v2: 88 },
      latencyMs: { p99: 41.2 },
    };
    expect(canaryCheck(report)).toBe('100 25.0 88 41.2');
    expect(
      canaryCheck({
        requests: 10,
        counts: { v1: 10 },
        successRate: 100,
        successRateByVersion: { v1: 100 },
        latencyMs: { p99: null },
      }),
    ).toBe('10 0.0 100 none');
    expect(() => canaryCheck({ error: 'boom' })).toThrow(/not a `traffic test --json` report/);
  });
});

describe('the verdict file', () => {
  it('names the exit code, keeps every check and the final weights', () => {
    const record = [
      'setting\tnamespace\tmovies',
      'setting\tsteps\t10,100',
      'setting\tinterval\t0',
      'check\t1\t10\t100\t9.0\t100\t12\tcli\tpass\t',
      'check\t2\t100\t100\t-\t0\tnone\tcli\tfail\tthe traffic CLI gave no report: boom',
      'weights\t100\t0',
      '',
    ].join('\n');
    expect(canaryVerdict(1, 'ROLLED BACK', record)).toEqual({
      verdict: 'rolled-back',
      exitCode: 1,
      summary: 'ROLLED BACK',
      settings: { namespace: 'movies', steps: '10,100', interval: 0 },
      steps: [
        {
          check: 1,
          step: 10,
          weights: { v1: 90, v2: 10 },
          requests: 100,
          v2Share: 9,
          successRate: 100,
          p99Ms: 12,
          source: 'cli',
          result: 'pass',
          reason: null,
        },
        {
          check: 2,
          step: 100,
          weights: { v1: 0, v2: 100 },
          requests: 100,
          v2Share: null,
          successRate: 0,
          p99Ms: null,
          source: 'cli',
          result: 'fail',
          reason: 'the traffic CLI gave no report: boom',
        },
      ],
      finalWeights: { v1: 100, v2: 0 },
    });
  });

  it('maps every documented exit code, and anything else to failed', () => {
    const verdictOf = (code: number) => canaryVerdict(code, '', '').verdict;
    expect([0, 1, 64, 69, 130, 2].map(verdictOf)).toEqual([
      'promoted',
      'rolled-back',
      'usage-error',
      'unreachable',
      'interrupted',
      'failed',
    ]);
    expect(canaryVerdict(69, '', '')).toMatchObject({ summary: null, steps: [], finalWeights: null });
  });

  it('refuses a record line it does not know', () => {
    expect(() => canaryVerdict(0, '', 'stage\t1')).toThrow(/unknown canary record line: stage/);
  });
});
