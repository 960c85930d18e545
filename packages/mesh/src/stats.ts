/**
 * The statistics behind `traffic test` and every split test: a chi-square goodness-of-fit test of the observed
 * split against the configured weights, Wilson score intervals per version, and latency percentiles. The chi-square
 * distribution is computed from the regularized incomplete gamma function (Numerical Recipes' series and continued
 * fraction), so no statistics dependency is needed.
 */
import type { SplitVerdict } from '@movies/contracts/traffic-report';

const lanczos = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) by the Lanczos approximation (g = 7), accurate to about 15 digits for x > 0. */
export function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const z = x - 1;
  let sum = lanczos[0] as number;
  for (let i = 1; i < lanczos.length; i++) sum += (lanczos[i] as number) / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

const epsilon = 1e-15;
const tiny = 1e-300;
const maxIterations = 10_000;

/** Lower regularized incomplete gamma P(a, x) by its series; converges fast for x < a + 1. */
function gammaSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  // Stryker disable next-line EqualityOperator: the series converges long before the iteration cap
  for (let n = 1; n < maxIterations; n++) {
    term *= x / (a + n);
    sum += term;
    // Stryker disable next-line EqualityOperator: a convergence tolerance; < and <= differ only at an exact tie, one term apart
    if (Math.abs(term) < Math.abs(sum) * epsilon) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - lnGamma(a));
}

/** Upper regularized incomplete gamma Q(a, x) by its continued fraction (modified Lentz); for x ≥ a + 1. */
function gammaContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  // Stryker disable next-line EqualityOperator: the continued fraction converges long before the iteration cap
  for (let i = 1; i < maxIterations; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: Lentz's guard against a zero denominator, which no reachable input here produces
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: Lentz's guard against a zero denominator, which no reachable input here produces
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    // Stryker disable next-line EqualityOperator: a convergence tolerance; < and <= differ only at an exact tie
    if (Math.abs(delta - 1) < epsilon) break;
  }
  return Math.exp(-x + a * Math.log(x) - lnGamma(a)) * h;
}

/** P(a, x) = γ(a, x) / Γ(a). */
export function regularizedGammaP(a: number, x: number): number {
  if (!(a > 0)) throw new RangeError(`regularizedGammaP needs a > 0, got ${a}`);
  // Stryker disable next-line EqualityOperator: at x = 0 the series gives 0 too
  if (x <= 0) return 0;
  if (x === Number.POSITIVE_INFINITY) return 1;
  // Stryker disable next-line EqualityOperator,ArithmeticOperator: both algorithms are accurate near x = a ± 1; only where each is used far from it matters (tested)
  return x < a + 1 ? gammaSeries(a, x) : 1 - gammaContinuedFraction(a, x);
}

/** Q(a, x) = 1 − P(a, x), computed directly so tiny tail probabilities keep their precision. */
export function regularizedGammaQ(a: number, x: number): number {
  if (!(a > 0)) throw new RangeError(`regularizedGammaQ needs a > 0, got ${a}`);
  // Stryker disable next-line EqualityOperator: at x = 0 the series gives 1 − 0 = 1 too
  if (x <= 0) return 1;
  if (x === Number.POSITIVE_INFINITY) return 0;
  // Stryker disable next-line EqualityOperator,ArithmeticOperator: both algorithms are accurate near x = a ± 1; only where each is used far from it matters (tested)
  return x < a + 1 ? 1 - gammaSeries(a, x) : gammaContinuedFraction(a, x);
}

/** Cumulative distribution function of the chi-square distribution with df degrees of freedom. */
export function chiSquareCdf(x: number, df: number): number {
  return regularizedGammaP(df / 2, x / 2);
}

/** P(X ≥ x) for X ~ χ²(df): the p-value of a statistic x. */
export function chiSquareSurvival(x: number, df: number): number {
  return regularizedGammaQ(df / 2, x / 2);
}

/** Part of the traffic CLI's report, so its one schema is @movies/contracts'. */
export type { SplitVerdict };

/**
 * Pearson's chi-square goodness-of-fit test of observed answers per version against configured percentages.
 * Degrees of freedom = versions with positive expected count − 1. Any answer from a version configured at 0 %
 * (or not configured at all) fails outright: no sampling noise can produce it.
 */
export function chiSquareGoodnessOfFit(
  observed: Readonly<Record<string, number>>,
  weights: Readonly<Record<string, number>>,
  alpha: number,
): SplitVerdict {
  const versions = [...new Set([...Object.keys(weights), ...Object.keys(observed)])];
  const total = versions.reduce((sum, v) => sum + (observed[v] ?? 0), 0);
  const totalWeight = versions.reduce((sum, v) => sum + (weights[v] ?? 0), 0);
  const expected: Record<string, number> = {};
  for (const v of versions) expected[v] = totalWeight > 0 ? (total * (weights[v] ?? 0)) / totalWeight : 0;
  const notRun = (reason: string): SplitVerdict => ({
    pass: false,
    statistic: null,
    df: 0,
    pValue: null,
    alpha,
    expected,
    reason,
  });
  if (totalWeight <= 0) return notRun('no configured weights to compare with');
  if (total === 0) return notRun('no answer carried a version, so the split cannot be tested');

  const strays = versions.filter((v) => (weights[v] ?? 0) === 0 && (observed[v] ?? 0) > 0);
  if (strays.length > 0) {
    const list = strays.map((v) => `${observed[v]} from ${v}`).join(', ');
    return { ...notRun(`answers from versions configured at 0 %: ${list}`), pValue: 0 };
  }

  const tested = versions.filter((v) => (expected[v] ?? 0) > 0);
  const df = tested.length - 1;
  const statistic = tested.reduce((sum, v) => {
    const e = expected[v] as number;
    return sum + ((observed[v] ?? 0) - e) ** 2 / e;
  }, 0);
  const pValue = df === 0 ? 1 : chiSquareSurvival(statistic, df);
  const pass = pValue >= alpha;
  const small = tested.filter((v) => (expected[v] as number) < 5);
  const verdict: SplitVerdict = {
    pass,
    statistic,
    df,
    pValue,
    alpha,
    expected,
    reason: pass
      ? df === 0
        ? `every versioned answer came from ${tested[0]}, the only version with weight`
        : `p = ${formatP(pValue)} ≥ α = ${alpha}: the observed split is consistent with the configured weights`
      : `p = ${formatP(pValue)} < α = ${alpha}: the observed split does not match the configured weights`,
  };
  if (small.length > 0) {
    verdict.warning = `expected count below 5 for ${small.join(', ')}: send more requests for a reliable test`;
  }
  return verdict;
}

export function formatP(p: number): string {
  if (p === 0) return '0';
  if (p < 1e-4) return p.toExponential(1);
  return p.toPrecision(2);
}

/** z for a two-sided 95 % interval. */
export const z95 = 1.959963984540054;

export interface Interval {
  low: number;
  high: number;
}

/** Wilson score interval for a proportion of successes out of n trials (fractions, 0..1). */
export function wilsonInterval(successes: number, n: number, z = z95): Interval {
  // Stryker disable next-line ConditionalExpression,EqualityOperator: with n = 0 (so k = 0) the clamps below give { 0, 1 } as well
  if (n <= 0) return { low: 0, high: 1 };
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  // At k = 0 and k = n the bounds are exactly 0 and 1; floating point would leave 1e-17 crumbs.
  return {
    low: successes <= 0 ? 0 : Math.max(0, center - half),
    high: successes >= n ? 1 : Math.min(1, center + half),
  };
}

/** Nearest-rank percentile of an ascending array; undefined when empty. */
export function percentile(sortedAscending: readonly number[], p: number): number | undefined {
  // Stryker disable next-line ConditionalExpression: an empty array indexed at -1 gives undefined as well
  if (sortedAscending.length === 0) return undefined;
  const rank = Math.ceil((p / 100) * sortedAscending.length);
  return sortedAscending[Math.min(sortedAscending.length - 1, Math.max(0, rank - 1))];
}
