import { describe, expect, it } from 'vitest';
import {
  chiSquareCdf,
  chiSquareGoodnessOfFit,
  chiSquareSurvival,
  lnGamma,
  percentile,
  regularizedGammaP,
  wilsonInterval,
} from '../src/stats.js';

describe('lnGamma', () => {
  it('matches factorials and Γ(1/2) = √π', () => {
    expect(lnGamma(1)).toBeCloseTo(0, 12);
    expect(lnGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(lnGamma(11)).toBeCloseTo(Math.log(3628800), 10);
    expect(lnGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
    expect(lnGamma(0.25)).toBeCloseTo(Math.log(3.625609908221908), 12);
  });
});

describe('chi-square distribution', () => {
  // Critical values from standard chi-square tables (e.g. NIST/SEMATECH e-Handbook, table 1.3.6.7.4).
  const table: Array<[df: number, x: number, cdf: number]> = [
    [1, 3.841, 0.95],
    [1, 6.635, 0.99],
    [1, 10.828, 0.999],
    [2, 5.991, 0.95],
    [3, 7.815, 0.95],
    [5, 11.07, 0.95],
    [10, 18.307, 0.95],
    [10, 2.558, 0.01],
    [30, 43.773, 0.95],
    [100, 124.342, 0.95],
  ];
  it.each(table)('df %i: CDF(%f) ≈ %f', (df, x, cdf) => {
    expect(chiSquareCdf(x, df)).toBeCloseTo(cdf, 3);
    expect(chiSquareSurvival(x, df)).toBeCloseTo(1 - cdf, 3);
  });

  it('equals the closed form 1 − e^(−x/2) for df = 2, in both branches of the algorithm', () => {
    for (const x of [0.01, 0.5, 1.9, 2.1, 7, 30, 90]) {
      expect(chiSquareCdf(x, 2)).toBeCloseTo(1 - Math.exp(-x / 2), 12);
      expect(chiSquareSurvival(x, 2) / Math.exp(-x / 2)).toBeCloseTo(1, 9);
    }
  });

  it('equals erf(√(x/2)) for df = 1 (P(1/2, x/2)), e.g. x = 1 → 0.682689', () => {
    expect(chiSquareCdf(1, 1)).toBeCloseTo(0.6826894921, 9);
    expect(chiSquareCdf(4, 1)).toBeCloseTo(0.9544997361, 9);
  });

  it('handles the edges', () => {
    expect(chiSquareCdf(0, 3)).toBe(0);
    expect(chiSquareSurvival(0, 3)).toBe(1);
    expect(chiSquareSurvival(Number.POSITIVE_INFINITY, 1)).toBe(0);
    expect(chiSquareSurvival(200, 1)).toBeGreaterThan(0); // tiny tail kept, not rounded to 0 by 1 − P
    expect(chiSquareSurvival(200, 1)).toBeLessThan(1e-40);
    expect(() => regularizedGammaP(0, 1)).toThrow(RangeError);
  });
});

describe('wilsonInterval', () => {
  it('matches published 95 % Wilson intervals', () => {
    const zeroOfTen = wilsonInterval(0, 10);
    expect(zeroOfTen.low).toBe(0);
    expect(zeroOfTen.high).toBeCloseTo(0.2775, 4);
    const oneOfTen = wilsonInterval(1, 10);
    expect(oneOfTen.low).toBeCloseTo(0.0179, 4);
    expect(oneOfTen.high).toBeCloseTo(0.4042, 4);
    const half = wilsonInterval(5, 10);
    expect(half.low).toBeCloseTo(0.2366, 4);
    expect(half.high).toBeCloseTo(0.7634, 4);
  });

  it('is symmetric, contains the estimate and narrows with n', () => {
    const a = wilsonInterval(160, 200);
    const b = wilsonInterval(40, 200);
    expect(a.low).toBeCloseTo(1 - b.high, 12);
    expect(a.low).toBeLessThan(0.8);
    expect(a.high).toBeGreaterThan(0.8);
    const wide = wilsonInterval(8, 10);
    expect(a.high - a.low).toBeLessThan(wide.high - wide.low);
    expect(wilsonInterval(10, 10).high).toBe(1);
    expect(wilsonInterval(0, 0)).toEqual({ low: 0, high: 1 });
  });
});

describe('chiSquareGoodnessOfFit', () => {
  it('passes an exact 80/20 split and fails 50/50 against 80/20', () => {
    const exact = chiSquareGoodnessOfFit({ v1: 1600, v2: 400 }, { v1: 80, v2: 20 }, 0.001);
    expect(exact).toMatchObject({ pass: true, statistic: 0, df: 1, pValue: 1 });
    const wrong = chiSquareGoodnessOfFit({ v1: 1000, v2: 1000 }, { v1: 80, v2: 20 }, 0.001);
    expect(wrong.pass).toBe(false);
    expect(wrong.statistic).toBeCloseTo(1125, 6); // (1000−1600)²/1600 + (1000−400)²/400
    expect(wrong.pValue).toBeLessThan(1e-100);
    expect(wrong.reason).toMatch(/does not match/);
  });

  it('judges by alpha: χ² = 4.5 (p ≈ 0.034) passes at 0.001 and fails at 0.05', () => {
    const observed = { v1: 172, v2: 28 };
    expect(chiSquareGoodnessOfFit(observed, { v1: 80, v2: 20 }, 0.001).pass).toBe(true);
    const strict = chiSquareGoodnessOfFit(observed, { v1: 80, v2: 20 }, 0.05);
    expect(strict.pass).toBe(false);
    expect(strict.pValue).toBeCloseTo(0.0339, 4);
  });

  it('fails outright when a zero-weight version answers, however few times', () => {
    const verdict = chiSquareGoodnessOfFit({ v1: 1999, v2: 1 }, { v1: 100, v2: 0 }, 0.001);
    expect(verdict).toMatchObject({ pass: false, pValue: 0, statistic: null });
    expect(verdict.reason).toContain('1 from v2');
    const unconfigured = chiSquareGoodnessOfFit({ v1: 10, v3: 1 }, { v1: 100 }, 0.001);
    expect(unconfigured.pass).toBe(false);
    expect(unconfigured.reason).toContain('v3');
  });

  it('uses df = versions with positive expected − 1', () => {
    expect(chiSquareGoodnessOfFit({ v1: 500 }, { v1: 100, v2: 0 }, 0.001)).toMatchObject({
      pass: true,
      df: 0,
    });
    const three = chiSquareGoodnessOfFit({ a: 30, b: 30, c: 40 }, { a: 30, b: 30, c: 40, d: 0 }, 0.001);
    expect(three.df).toBe(2);
  });

  it('does not pretend to test without data or weights, and warns on small expected counts', () => {
    expect(chiSquareGoodnessOfFit({}, { v1: 80, v2: 20 }, 0.001)).toMatchObject({
      pass: false,
      pValue: null,
    });
    expect(chiSquareGoodnessOfFit({ v1: 5 }, {}, 0.001)).toMatchObject({ pass: false, pValue: null });
    expect(chiSquareGoodnessOfFit({ v1: 19, v2: 1 }, { v1: 95, v2: 5 }, 0.001).warning).toMatch(
      /below 5.*v2/,
    );
  });
});

describe('percentile', () => {
  it('uses the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 90)).toBe(90);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeUndefined();
  });
});
