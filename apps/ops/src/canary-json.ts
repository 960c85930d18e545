/**
 * The JSON canary.sh reads and writes, so no bash evaluates JavaScript: the gateway's answer to a weight change,
 * a Prometheus scalar, the traffic CLI's report of one check, and the verdict file (`canary.sh --json FILE`).
 */

import { errorAnswerSchema } from '@movies/contracts/api';
import { AppError } from '@movies/contracts/errors';
import { meshStateSchema } from '@movies/contracts/mesh-state';
import { testReportSchema } from '@movies/contracts/traffic-report';
import * as z from 'zod/mini';

type Json = Record<string, unknown>;

function object(value: unknown): Json {
  return value !== null && typeof value === 'object' ? (value as Json) : {};
}

/**
 * "V1 V2" from the gateway's `/__mesh` answer (a missing subset counts 0); its error answer (a missing admin token,
 * say) becomes the error's message.
 */
export function meshWeights(json: unknown): string {
  const refusal = errorAnswerSchema.safeParse(json);
  if (refusal.success)
    throw new AppError('UNAVAILABLE', `the gateway refused: ${refusal.data.error.message}`);
  const parsed = meshStateSchema.shape.weights.safeParse(object(json).weights);
  if (!parsed.success)
    throw new AppError('DATA_INVALID', "the gateway's /__mesh answer holds no weights (0–100 per subset)");
  const weights = parsed.data;
  return `${weights.v1 ?? 0} ${weights.v2 ?? 0}`;
}

/** The first sample of a Prometheus instant-query answer, to 2 decimals; an error when there is none. */
export function prometheusScalar(json: unknown): string {
  const result = object(object(json).data).result;
  const sample = Array.isArray(result) ? object(result[0]).value : undefined;
  const value = Number(Array.isArray(sample) ? sample[1] : undefined);
  if (!Number.isFinite(value))
    throw new AppError('DATA_INVALID', 'the Prometheus answer holds no finite sample');
  return value.toFixed(2);
}

const report = testReportSchema.shape;
/** What canary-check reads of `traffic test --json`, each field as the report's one schema has it. */
const canaryReadingSchema = z.object({
  requests: report.requests,
  counts: report.counts,
  successRate: report.successRate,
  successRateByVersion: report.successRateByVersion,
  latencyMs: z.object({ p99: report.latencyMs.shape.p99 }),
});

/**
 * "REQUESTS V2_SHARE SUCCESS P99" from the traffic CLI's `test --json` report. The canary is judged on its own
 * answers (as Prometheus does with destination_workload); before v2 has answered at all, on every answer.
 */
export function canaryCheck(json: unknown): string {
  const parsed = canaryReadingSchema.safeParse(json);
  if (!parsed.success)
    throw new AppError('DATA_INVALID', 'not a `traffic test --json` report (requests, counts, successRate…)');
  const { requests, counts, successRate, successRateByVersion, latencyMs } = parsed.data;
  const versioned = Object.values(counts).reduce((a, b) => a + b, 0);
  const v2 = versioned === 0 ? 0 : (100 * (counts.v2 ?? 0)) / versioned;
  const success = successRateByVersion.v2 ?? successRate;
  return [requests, v2.toFixed(1), success, latencyMs.p99 ?? 'none'].join(' ');
}

/** What each exit code of canary.sh means; the verdict file's `verdict`. */
export const canaryVerdicts: Record<number, string> = {
  0: 'promoted',
  1: 'rolled-back',
  64: 'usage-error',
  69: 'unreachable',
  130: 'interrupted',
};

export interface CanaryStepResult {
  check: number;
  /** The canary (v2) weight of the step, in percent. */
  step: number;
  weights: { v1: number; v2: number };
  requests: number | null;
  v2Share: number | null;
  successRate: number | null;
  p99Ms: number | null;
  source: string;
  result: 'pass' | 'fail';
  reason: string | null;
}

export interface CanaryVerdict {
  verdict: string;
  exitCode: number;
  summary: string | null;
  settings: Record<string, string | number | null>;
  steps: CanaryStepResult[];
  finalWeights: { v1: number; v2: number } | null;
}

const textSettings = new Set(['namespace', 'steps']);

function numberOrNull(text: string | undefined): number | null {
  return text !== undefined && /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : null;
}

function stepResult(fields: string[]): CanaryStepResult {
  const [check, step, requests, v2Share, success, p99, source = '', result = '', reason = ''] = fields;
  const v2 = Number(step);
  return {
    check: Number(check),
    step: v2,
    weights: { v1: 100 - v2, v2 },
    requests: numberOrNull(requests),
    v2Share: numberOrNull(v2Share),
    successRate: numberOrNull(success),
    p99Ms: numberOrNull(p99),
    source,
    result: result === 'pass' ? 'pass' : 'fail',
    reason: reason === '' ? null : reason,
  };
}

/**
 * The verdict file from the exit code, the report's outcome line and canary.sh's record, one tab-separated line
 * each: `setting NAME VALUE`, `check CHECK STEP REQUESTS V2_SHARE SUCCESS P99 SOURCE RESULT REASON`,
 * `weights V1 V2` (the last one wins).
 */
export function canaryVerdict(exitCode: number, summary: string, record: string): CanaryVerdict {
  const verdict: CanaryVerdict = {
    verdict: canaryVerdicts[exitCode] ?? 'failed',
    exitCode,
    summary: summary === '' ? null : summary,
    settings: {},
    steps: [],
    finalWeights: null,
  };
  for (const line of record.split('\n')) {
    const [kind, ...fields] = line.split('\t');
    if (kind === 'setting') {
      const [name = '', value = ''] = fields;
      verdict.settings[name] = textSettings.has(name) ? value : numberOrNull(value);
    } else if (kind === 'check') {
      verdict.steps.push(stepResult(fields));
    } else if (kind === 'weights') {
      verdict.finalWeights = { v1: Number(fields[0]), v2: Number(fields[1]) };
    } else if (line.trim() !== '') {
      throw new AppError('DATA_INVALID', `unknown canary record line: ${line.slice(0, 80)}`);
    }
  }
  return verdict;
}
