/**
 * `traffic test --visitors V`: V simulated visitors, each with its own cookie jar (@movies/mesh CookieJar), make K
 * requests one after another, as a browser does. With sticky sessions each visitor is drawn once, by the weights,
 * and stays: the report compares visitors per version with the weights (chi-square) and counts visitors whose
 * answers came from more than one version — 0 while no weight is 0.
 */
import { performance } from 'node:perf_hooks';
import { VISITOR_COOKIE } from '@movies/contracts/names';
import { CookieJar, chiSquareGoodnessOfFit, type SplitVerdict, summarizeVisits } from '@movies/mesh';
import { exitCodes } from '../exit-codes.js';
import { type Outcome, type Requester, Tally } from '../load.js';
import { type ConfiguredView, requestInfo } from '../mesh-view.js';
import { orderedVersions, palette, pct, splitBars, table, weightPct } from '../render.js';
import { describeOrigin } from '../target.js';
import { printReport, requesterFor, round, runMeta, type TestInvocation } from './common.js';

export interface VisitorsReport {
  target: string;
  mode: 'local' | 'cluster';
  source: string;
  path: string;
  visitors: number;
  requestsPerVisitor: number;
  requests: number;
  concurrency: number;
  durationMs: number;
  cookie: string;
  /** Visitors by the version of their first versioned answer. */
  visitorsByVersion: Record<string, number>;
  /** Each version's share of the visitors, in percent. */
  observedSplit: Record<string, number>;
  configured: Record<string, number> | null;
  chiSquare: SplitVerdict;
  /** Visitors whose answers came from more than one version. */
  switched: number;
  /** Visitors whose answers never set the sticky cookie (the routing is not sticky for them). */
  unpinned: number;
  unknown: number;
  errors: { total: number; byStatus: Record<string, number>; byNetworkError: Record<string, number> };
  verdict: 'pass' | 'split-mismatch' | 'switched' | 'errors';
  exitCode: number;
}

interface VisitRecord {
  versions: string[];
  pinned: boolean;
}

/** One visitor: K requests in a row, sending back the cookies it was given. */
async function visit(
  requester: Requester,
  requests: number,
  onOutcome: (o: Outcome) => void,
): Promise<VisitRecord> {
  const jar = new CookieJar();
  const versions: string[] = [];
  for (let i = 0; i < requests; i++) {
    const cookie = jar.header();
    const outcome = await requester.send(cookie ? { cookie } : {});
    onOutcome(outcome);
    if (outcome.kind !== 'network-error') jar.store(outcome.setCookie);
    if (outcome.kind === 'version') versions.push(outcome.version);
  }
  return { versions, pinned: jar.get(VISITOR_COOKIE) !== undefined };
}

export function buildVisitorsReport(
  visits: readonly VisitRecord[],
  tally: Tally,
  configured: Record<string, number> | undefined,
  meta: Pick<
    VisitorsReport,
    'target' | 'mode' | 'source' | 'path' | 'requestsPerVisitor' | 'concurrency' | 'durationMs'
  > & { alpha: number },
): VisitorsReport {
  const { alpha, ...rest } = meta;
  const summary = summarizeVisits(visits.map((v) => v.versions));
  const versions = orderedVersions(configured, summary.byVersion);
  const visitorsByVersion: Record<string, number> = {};
  const observedSplit: Record<string, number> = {};
  const drawn = Object.values(summary.byVersion).reduce((a, b) => a + b, 0);
  for (const v of versions) {
    visitorsByVersion[v] = summary.byVersion[v] ?? 0;
    observedSplit[v] = drawn === 0 ? 0 : round(((summary.byVersion[v] ?? 0) * 100) / drawn);
  }
  const chiSquare = chiSquareGoodnessOfFit(visitorsByVersion, configured ?? {}, alpha);
  if (!configured) chiSquare.reason = 'the configured weights for this request could not be read';
  const verdict = visitorsVerdict(tally, summary.switched, chiSquare.pass);
  return {
    ...rest,
    visitors: visits.length,
    requests: tally.total,
    cookie: VISITOR_COOKIE,
    visitorsByVersion,
    observedSplit,
    configured: configured ?? null,
    chiSquare,
    switched: summary.switched,
    unpinned: visits.filter((v) => !v.pinned).length,
    unknown: tally.unknown,
    errors: { total: tally.errors, byStatus: tally.statusErrors, byNetworkError: tally.networkErrors },
    verdict,
    exitCode: visitorsExitCode(verdict),
  };
}

function visitorsVerdict(tally: Tally, switched: number, splitMatches: boolean): VisitorsReport['verdict'] {
  if (tally.errors > 0 || tally.unknown > 0) return 'errors';
  if (switched > 0) return 'switched';
  return splitMatches ? 'pass' : 'split-mismatch';
}

function visitorsExitCode(verdict: VisitorsReport['verdict']): number {
  if (verdict === 'errors') return exitCodes.errors;
  return verdict === 'pass' ? exitCodes.ok : exitCodes.splitMismatch;
}

export function formatVisitorsReport(report: VisitorsReport, colour: boolean): string {
  const c = palette(colour);
  const versions = Object.keys(report.visitorsByVersion);
  const lines = [
    c.bold(
      `Visitors test: ${report.visitors} visitors × ${report.requestsPerVisitor} × GET ${report.path} → ${report.target}`,
    ),
    `  ${report.mode === 'local' ? 'local gateway' : 'cluster'}, routing: ${report.source}; ${report.concurrency} visitors at a time; ` +
      `${(report.durationMs / 1000).toFixed(1)} s; cookie ${report.cookie}`,
    '',
    ...table(
      ['version', 'visitors', 'share', 'configured'],
      versions.map((v) => [
        v,
        String(report.visitorsByVersion[v]),
        pct(report.observedSplit[v] ?? 0),
        report.configured ? weightPct(report.configured[v] ?? 0) : '?',
      ]),
      [1, 2, 3],
    ),
    '',
    c.bold('Visitors per version'),
    ...splitBars(versions, report.observedSplit, report.configured ?? undefined, c),
    '',
  ];
  const chi = report.chiSquare;
  const stat =
    chi.statistic === null || chi.df === 0 ? '' : `χ² = ${chi.statistic.toFixed(2)}, df = ${chi.df}: `;
  lines.push(
    `Chi-square goodness of fit (α = ${chi.alpha}): ${stat}${chi.pass ? c.green(chi.reason) : c.red(chi.reason)}`,
  );
  const switchedText = `${report.switched} of ${report.visitors} visitors switched version mid-visit`;
  lines.push(report.switched === 0 ? switchedText : c.red(switchedText));
  if (report.unpinned > 0) {
    lines.push(
      c.yellow(
        `${report.unpinned} visitors were never given a ${report.cookie} cookie: the routing is not sticky for them`,
      ),
    );
  }
  const failures = [
    ...Object.entries(report.errors.byStatus).map(([status, n]) => `HTTP ${status} × ${n}`),
    ...Object.entries(report.errors.byNetworkError).map(([code, n]) => `${code} × ${n}`),
  ];
  if (failures.length > 0) lines.push(c.red(`errors: ${failures.join(', ')}`));
  if (report.unknown > 0) lines.push(c.yellow(`${report.unknown} answers stated no version`));
  const verdicts: Record<VisitorsReport['verdict'], string> = {
    pass: c.green('PASS: visitors follow the weights and each stays on one version'),
    'split-mismatch': c.red('FAIL: visitors per version do not match the configured weights'),
    switched: c.red('FAIL: visitors switched version mid-visit'),
    errors: c.red('FAIL: errors or answers without a version'),
  };
  lines.push(`Result: ${verdicts[report.verdict]} (exit ${report.exitCode})`);
  return lines.join('\n');
}

export async function runVisitors(
  invocation: TestInvocation,
  view: ConfiguredView,
  visitors: { count: number; perVisitor: number },
): Promise<number> {
  const configured = view.weightsFor(requestInfo(invocation.path, invocation.headers));
  const requester = requesterFor(invocation, view);
  if (!invocation.json) {
    process.stderr.write(
      `target ${view.target.url} (${describeOrigin(view.target.origin)}; ${visitors.count} visitors)\n`,
    );
  }
  const tally = new Tally();
  const visits: VisitRecord[] = [];
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < visitors.count) {
      next++;
      visits.push(await visit(requester, visitors.perVisitor, (outcome) => tally.add(outcome)));
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(invocation.concurrency, visitors.count) }, worker));
  } finally {
    requester.close();
  }
  const meta = runMeta(invocation, view, started, { requestsPerVisitor: visitors.perVisitor });
  const report = buildVisitorsReport(visits, tally, configured, meta);
  return printReport(report, invocation.json, formatVisitorsReport);
}
