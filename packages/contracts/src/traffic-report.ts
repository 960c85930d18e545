/**
 * `pnpm traffic test --json` (apps/traffic): the report of one test run. canary.sh judges each canary step by it,
 * through the ops helper's `canary-check`; the traffic CLI builds it as this type.
 */
import * as z from 'zod/mini';

const count = z.int().check(z.minimum(0));
const percent = z.number().check(z.minimum(0), z.maximum(100));
const numberBy = z.record(z.string(), z.number());
const countBy = z.record(z.string(), count);

/** Pearson's χ² goodness-of-fit test of the answers per version against the configured weights (@movies/mesh). */
export const splitVerdictSchema = z.strictObject({
  /** Whether the observed split is consistent with the configured weights at level alpha. */
  pass: z.boolean(),
  /** Pearson's χ² statistic; null when no test could be run or a zero-weight version answered. */
  statistic: z.nullable(z.number()),
  df: count,
  /** Probability of a deviation at least this large if the configured weights are true; null when not run. */
  pValue: z.nullable(z.number()),
  alpha: z.number(),
  /** Expected answers per version for the observed total. */
  expected: numberBy,
  /** One sentence a person can act on. */
  reason: z.string(),
  /** Set when some expected count is below 5, where the χ² approximation is rough. */
  warning: z.optional(z.string()),
});
export type SplitVerdict = z.infer<typeof splitVerdictSchema>;

export const testReportSchema = z.strictObject({
  target: z.string(),
  mode: z.enum(['local', 'cluster']),
  source: z.string(),
  path: z.string(),
  headers: z.record(z.string(), z.string()),
  requests: count,
  concurrency: count,
  durationMs: z.number().check(z.minimum(0)),
  requestsPerSecond: z.number().check(z.minimum(0)),
  /** Answers per version, as the backend stated it. */
  counts: countBy,
  unknown: count,
  errors: z.strictObject({
    total: count,
    byStatus: countBy,
    byNetworkError: countBy,
    /** Error answers whose backend stated its version (x-backend-version on the error response). */
    byVersion: countBy,
  }),
  /** Shares of all requests sent, in percent: each version, unknown, errors. */
  percentages: z.record(z.string(), percent),
  /** Configured percent per version for a request like the ones sent; null when it could not be read. */
  configured: z.nullable(z.record(z.string(), percent)),
  /** Each version's share of the versioned answers, in percent (what the configured weights predict). */
  observedSplit: z.record(z.string(), percent),
  chiSquare: splitVerdictSchema,
  /** 95 % Wilson interval of each version's share of versioned answers, in percent. */
  intervals: z.record(z.string(), z.strictObject({ low: percent, high: percent })),
  successRate: percent,
  /** Per version: percent of the answers that named it which were 2xx (a canary is judged on its own answers). */
  successRateByVersion: z.record(z.string(), percent),
  latencyMs: z.strictObject({
    p50: z.nullable(z.number()),
    p90: z.nullable(z.number()),
    p99: z.nullable(z.number()),
  }),
  verdict: z.enum(['pass', 'split-mismatch', 'errors']),
  exitCode: count,
});
export type TestReport = z.infer<typeof testReportSchema>;
