/** The split statistics at their edges and in their exact wording (stats.test.ts checks the published values). */
import { describe, expect, it } from 'vitest';
import {
  chiSquareGoodnessOfFit,
  formatP,
  lnGamma,
  percentile,
  regularizedGammaP,
  regularizedGammaQ,
  wilsonInterval,
} from '../src/stats.js';

/** P(a, x) for a whole number a, by the tail of e^−x Σ x^k / k! (k ≥ a): independent of the code under test. */
function poissonTail(a: number, x: number): number {
  let term = Math.exp(-x);
  for (let k = 1; k <= a; k++) term *= x / k;
  let sum = 0;
  for (let k = a; k < a + 60; k++) {
    sum += term;
    term *= x / (k + 1);
  }
  return sum;
}

const relativeError = (value: number, expected: number) => Math.abs(value / expected - 1);

describe('the incomplete gamma functions', () => {
  it('uses the reflection formula below 1/2: ln Γ(1/4) = ln 3.625609908221908…', () => {
    expect(lnGamma(0.25)).toBeCloseTo(Math.log(3.625609908221908), 13);
  });

  it('stays precise far into both tails, where the other algorithm would not', () => {
    expect(relativeError(regularizedGammaP(20, 1), poissonTail(20, 1))).toBeLessThan(1e-12);
    expect(regularizedGammaP(1, 1000)).toBe(1);
    expect(relativeError(regularizedGammaQ(1, 50), Math.exp(-50))).toBeLessThan(1e-12);
  });

  it('is 0 and 1 at the ends, also below 0 and at infinity', () => {
    expect([
      regularizedGammaP(1, 0),
      regularizedGammaP(1, -1),
      regularizedGammaP(1, Number.POSITIVE_INFINITY),
    ]).toEqual([0, 0, 1]);
    expect([
      regularizedGammaQ(1, 0),
      regularizedGammaQ(1, -1),
      regularizedGammaQ(1, Number.POSITIVE_INFINITY),
    ]).toEqual([1, 1, 0]);
  });

  it('refuses a shape that is not positive, naming it', () => {
    expect(() => regularizedGammaP(0, 1)).toThrow(new RangeError('regularizedGammaP needs a > 0, got 0'));
    expect(() => regularizedGammaQ(0, 1)).toThrow(new RangeError('regularizedGammaQ needs a > 0, got 0'));
    expect(() => regularizedGammaQ(-1, 1)).toThrow(RangeError);
    expect(() => regularizedGammaQ(Number.NaN, 1)).toThrow(RangeError);
    expect(regularizedGammaQ(0.5, 1)).toBeCloseTo(0.15729920705028513, 12); // erfc(1)
  });
});

describe('chiSquareGoodnessOfFit wording and edges', () => {
  it('expects nothing without weights, and says why it did not test', () => {
    expect(chiSquareGoodnessOfFit({ v1: 5 }, {}, 0.001)).toEqual({
      pass: false,
      statistic: null,
      df: 0,
      pValue: null,
      alpha: 0.001,
      expected: { v1: 0 },
      reason: 'no configured weights to compare with',
    });
    expect(chiSquareGoodnessOfFit({}, { v1: 100 }, 0.001).reason).toBe(
      'no answer carried a version, so the split cannot be tested',
    );
  });

  it('lists every answer from a version at 0 %', () => {
    expect(chiSquareGoodnessOfFit({ v1: 10, v2: 3, v3: 2 }, { v1: 100, v2: 0 }, 0.001)).toMatchObject({
      pass: false,
      pValue: 0,
      reason: 'answers from versions configured at 0 %: 3 from v2, 2 from v3',
    });
  });

  it('passes a single weighted version, even at α = 1, and says so', () => {
    expect(chiSquareGoodnessOfFit({ v1: 10 }, { v1: 100, v2: 0 }, 1)).toMatchObject({
      pass: true,
      df: 0,
      pValue: 1,
      reason: 'every versioned answer came from v1, the only version with weight',
    });
  });

  it('words a pass and a failure with p and α', () => {
    const pass = chiSquareGoodnessOfFit({ v1: 800, v2: 200 }, { v1: 80, v2: 20 }, 0.001);
    expect(pass.reason).toBe(
      'p = 1.0 ≥ α = 0.001: the observed split is consistent with the configured weights',
    );
    expect(pass.warning).toBeUndefined();
    const fail = chiSquareGoodnessOfFit({ v1: 500, v2: 500 }, { v1: 80, v2: 20 }, 0.001);
    expect(fail.reason).toMatch(
      /^p = .* < α = 0\.001: the observed split does not match the configured weights$/,
    );
  });

  it('warns when an expected count is below 5, naming each such version, and not at exactly 5', () => {
    expect(chiSquareGoodnessOfFit({ v1: 95, v2: 5 }, { v1: 95, v2: 5 }, 0.001).warning).toBeUndefined();
    expect(chiSquareGoodnessOfFit({ a: 96, b: 2, c: 2 }, { a: 96, b: 2, c: 2 }, 0.001).warning).toBe(
      'expected count below 5 for b, c: send more requests for a reliable test',
    );
  });
});

describe('formatP', () => {
  it('prints 0, tiny values in exponent form and the rest with two digits', () => {
    expect([formatP(0), formatP(0.00005), formatP(0.0001), formatP(0.034), formatP(1)]).toEqual([
      '0',
      '5.0e-5',
      '0.00010',
      '0.034',
      '1.0',
    ]);
  });
});

describe('wilsonInterval and percentile edges', () => {
  it('starts exactly at 0 with no success and ends exactly at 1 with all', () => {
    for (let n = 1; n <= 300; n++) {
      expect(wilsonInterval(0, n).low, `0/${n}`).toBe(0);
      expect(wilsonInterval(n, n).high, `${n}/${n}`).toBe(1);
    }
    expect(wilsonInterval(0, 0)).toEqual({ low: 0, high: 1 });
  });

  it('clamps the rank to the samples', () => {
    expect(percentile([1, 2, 3], 150)).toBe(3);
    expect(percentile([1, 2, 3], 0)).toBe(1);
    expect(percentile([], 50)).toBeUndefined();
  });
});
