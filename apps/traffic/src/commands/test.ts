/** `traffic test N`: send N requests, count versions, and judge the split against the configured weights. */
import { performance } from 'node:perf_hooks';
import { progressBar } from '@movies/cli-kit';
import type { TestReport } from '@movies/contracts/traffic-report';
import { chiSquareGoodnessOfFit, percentile, wilsonInterval } from '@movies/mesh';
import { exitCodes } from '../exit-codes.js';
import { runLoad, Tally } from '../load.js';
import { type ConfiguredView, requestInfo } from '../mesh-view.js';
import { orderedVersions, palette, pct, splitBars, table, weightPct } from '../render.js';
import { describeOrigin } from '../target.js';
import { printReport, requesterFor, round, runMeta, type TestInvocation } from './common.js';

/** The report's one schema is @movies/contracts' (canary.sh reads it through the ops helper). */
export type { TestReport };

export function buildTestReport(
  tally: Tally,
  configured: Record<string, number> | undefined,
  meta: Pick<
    TestReport,
    'target' | 'mode' | 'source' | 'path' | 'headers' | 'requests' | 'concurrency' | 'durationMs'
  > & {
    alpha: number;
  },
): TestReport {
  const { alpha, ...rest } = meta;
  const versions = orderedVersions(configured, tally.versions);
  const counts: Record<string, number> = {};
  for (const v of versions) counts[v] = tally.versions[v] ?? 0;
  const share = (n: number) => (tally.total === 0 ? 0 : round((n * 100) / tally.total));
  const percentages: Record<string, number> = {};
  for (const v of versions) percentages[v] = share(counts[v] as number);
  percentages.unknown = share(tally.unknown);
  percentages.errors = share(tally.errors);
  const { observedSplit, intervals } = observedShares(counts, tally.versioned);
  const chiSquare = chiSquareGoodnessOfFit(counts, configured ?? {}, alpha);
  if (!configured) chiSquare.reason = 'the configured weights for this request could not be read';
  const verdict = verdictOf(tally, chiSquare.pass);
  return {
    ...rest,
    requestsPerSecond: rest.durationMs > 0 ? round((tally.total * 1000) / rest.durationMs, 1) : 0,
    counts,
    unknown: tally.unknown,
    errors: {
      total: tally.errors,
      byStatus: tally.statusErrors,
      byNetworkError: tally.networkErrors,
      byVersion: tally.errorsByVersion,
    },
    percentages,
    configured: configured ?? null,
    observedSplit,
    chiSquare,
    intervals,
    successRate: share(tally.total - tally.errors),
    successRateByVersion: successRateByVersion(tally),
    latencyMs: latencySummary(tally.latencies),
    verdict,
    exitCode: verdictExitCodes[verdict],
  };
}

/** Each version's share of the versioned answers, with its 95 % Wilson interval, in percent. */
function observedShares(counts: Record<string, number>, versioned: number) {
  const observedSplit: Record<string, number> = {};
  const intervals: Record<string, { low: number; high: number }> = {};
  for (const [v, count] of Object.entries(counts)) {
    observedSplit[v] = versioned === 0 ? 0 : round((count * 100) / versioned);
    const interval = wilsonInterval(count, versioned);
    intervals[v] = { low: round(interval.low * 100), high: round(interval.high * 100) };
  }
  return { observedSplit, intervals };
}

type Verdict = TestReport['verdict'];

const verdictExitCodes: Record<Verdict, number> = {
  errors: exitCodes.errors,
  'split-mismatch': exitCodes.splitMismatch,
  pass: exitCodes.ok,
};

function verdictOf(tally: Tally, splitMatches: boolean): Verdict {
  if (tally.errors > 0 || tally.unknown > 0) return 'errors';
  return splitMatches ? 'pass' : 'split-mismatch';
}

function latencySummary(samples: readonly number[]): TestReport['latencyMs'] {
  const latencies = [...samples].sort((a, b) => a - b);
  const latency = (p: number) => {
    const value = percentile(latencies, p);
    return value === undefined ? null : round(value);
  };
  return { p50: latency(50), p90: latency(90), p99: latency(99) };
}

function successRateByVersion(tally: Tally): Record<string, number> {
  const rates: Record<string, number> = {};
  for (const version of new Set([...Object.keys(tally.versions), ...Object.keys(tally.errorsByVersion)])) {
    const ok = tally.versions[version] ?? 0;
    const failed = tally.errorsByVersion[version] ?? 0;
    rates[version] = round((ok * 100) / (ok + failed));
  }
  return rates;
}

function ms(value: number | null): string {
  return value === null ? '–' : `${value.toFixed(1)} ms`;
}

type Palette = ReturnType<typeof palette>;

/** What went wrong, when anything did: error statuses, errors per version, answers without a version. */
function errorLines(report: TestReport, c: Palette): string[] {
  const lines: string[] = [];
  const statusList = [
    ...Object.entries(report.errors.byStatus).map(([status, n]) => `HTTP ${status} × ${n}`),
    ...Object.entries(report.errors.byNetworkError).map(([code, n]) => `${code} × ${n}`),
  ];
  if (statusList.length > 0) lines.push(`  ${c.red(`errors: ${statusList.join(', ')}`)}`);
  const failedVersions = Object.entries(report.errors.byVersion);
  if (failedVersions.length > 0) {
    const perVersion = failedVersions.map(
      ([v, n]) => `${v} ${n} (${pct(report.successRateByVersion[v] ?? 0)} of its answers 2xx)`,
    );
    lines.push(`  ${c.red(`errors stated by a version: ${perVersion.join(', ')}`)}`);
  }
  if (report.errors.total > 0 || report.unknown > 0) {
    lines.push(c.dim('  (each 95 % interval is for the version’s share of the versioned answers only)'));
  }
  if (report.unknown > 0) {
    lines.push(
      `  ${c.yellow(`${report.unknown} answers stated no version (no x-backend-version header or body field)`)}`,
    );
  }
  return lines;
}

function chiSquareLines(chi: TestReport['chiSquare'], c: Palette): string[] {
  const lines: string[] = [];
  let stat = '';
  if (chi.statistic !== null)
    stat = chi.df === 0 ? 'single weighted version: ' : `χ² = ${chi.statistic.toFixed(2)}, df = ${chi.df}: `;
  lines.push(
    `Chi-square goodness of fit (α = ${chi.alpha}): ${stat}${chi.pass ? c.green(chi.reason) : c.red(chi.reason)}`,
  );
  if (chi.warning) lines.push(`  ${c.yellow(`note: ${chi.warning}`)}`);
  return lines;
}

function verdictText(report: TestReport, c: Palette): string {
  if (report.verdict === 'pass') return c.green('PASS: the split matches the configured weights, no errors');
  if (report.verdict === 'errors') return c.red('FAIL: errors or answers without a version');
  return c.red(
    report.configured
      ? 'FAIL: the split does not match the configured weights'
      : 'FAIL: the split could not be checked against configured weights',
  );
}

export function formatTestReport(report: TestReport, colour: boolean): string {
  const c = palette(colour);
  const versions = Object.keys(report.counts);
  const headerText = Object.entries(report.headers)
    .map(([k, v]) => ` -H ${k}:${v}`)
    .join('');
  const lines: string[] = [
    c.bold(`Traffic test: ${report.requests} × GET ${report.path}${headerText} → ${report.target}`),
    `  ${report.mode === 'local' ? 'local gateway' : 'cluster'}, routing: ${report.source}; concurrency ${report.concurrency}; ` +
      `${(report.durationMs / 1000).toFixed(1)} s, ${report.requestsPerSecond} req/s`,
    '',
  ];
  const rows = versions.map((v) => [
    v,
    String(report.counts[v]),
    pct(report.percentages[v] ?? 0),
    `${(report.intervals[v]?.low ?? 0).toFixed(1)} – ${(report.intervals[v]?.high ?? 0).toFixed(1)} %`,
    report.configured ? weightPct(report.configured[v] ?? 0) : '?',
  ]);
  rows.push(['unknown', String(report.unknown), pct(report.percentages.unknown ?? 0), '', '']);
  rows.push(['errors', String(report.errors.total), pct(report.percentages.errors ?? 0), '', '']);
  lines.push(...table(['answer', 'count', 'share', '95 % interval', 'configured'], rows, [1, 2, 4]));
  lines.push(...errorLines(report, c));
  lines.push('', c.bold('Split of versioned answers'));
  lines.push(...splitBars(versions, report.observedSplit, report.configured ?? undefined, c));
  lines.push('');
  lines.push(...chiSquareLines(report.chiSquare, c));
  const answered = report.requests - report.errors.total;
  lines.push(`Success rate: ${pct(report.successRate)} (${answered}/${report.requests} answered 2xx)`);
  lines.push(
    `Latency: p50 ${ms(report.latencyMs.p50)}  p90 ${ms(report.latencyMs.p90)}  p99 ${ms(report.latencyMs.p99)}`,
  );
  lines.push(`Result: ${verdictText(report, c)} (exit ${report.exitCode})`);
  return lines.join('\n');
}

/** "| v1 80  v2 20 | errors 0": the running count the progress bar shows. */
function progressDetail(tally: Tally): string {
  const versions = Object.entries(tally.versions)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([v, n]) => `${v} ${n}`)
    .join('  ');
  return `| ${versions} | errors ${tally.errors}`;
}

export async function runTest(invocation: TestInvocation, view: ConfiguredView): Promise<number> {
  const request = requestInfo(invocation.path, invocation.headers);
  const configured = view.weightsFor(request);
  const requester = requesterFor(invocation, view);
  if (!invocation.json) {
    process.stderr.write(
      `target ${view.target.url} (${describeOrigin(view.target.origin)}; ${view.mode === 'local' ? 'local gateway' : 'cluster'})\n`,
    );
  }
  const showProgress = invocation.progress && !invocation.json && Boolean(process.stderr.isTTY);
  const progress = showProgress ? progressBar(invocation.requests, 'sending') : undefined;
  const tally = new Tally();
  progress?.start('| errors 0');
  const started = performance.now();
  try {
    await runLoad(requester, invocation.requests, invocation.concurrency, (outcome) => {
      tally.add(outcome);
      progress?.tick(progressDetail(tally));
    });
  } finally {
    progress?.finish();
    requester.close();
  }
  const meta = runMeta(invocation, view, started, {
    headers: invocation.headers,
    requests: invocation.requests,
  });
  const report = buildTestReport(tally, configured, meta);
  return printReport(report, invocation.json, formatTestReport);
}
