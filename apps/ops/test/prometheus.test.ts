/**
 * Every query the project ships, run by a real Prometheus over real data: it scrapes a real gateway (Istio's
 * standard metrics on its metrics port) and both backends while seeded traffic flows at 80-20, v2 failing a share
 * of its answers (the backend's FAULT_ERROR_RATE). Then:
 *   - each Grafana dashboard panel returns series for v1 and v2; the share panel agrees with the gateway's own
 *     counters (χ², α = 0.001); the success-rate panel shows v2's injected errors; the ingress panel shows the
 *     fault-injection overlay's aborts as response_flags="FI";
 *   - canary.sh's two queries and Flagger's built-in request-success-rate and request-duration give the gateway's
 *     own success rate, and a p99 the gateway's access log bounds, as the traffic CLI's p99 bounds the gateway's;
 *   - a wrong label or a broken expression fails the same checks.
 */
import { join } from 'node:path';
import { canaryQueries, dashboardPanels, flaggerQuery, type PanelQuery } from '@movies/analyzer';
import { meshStateSchema, type TrafficCount } from '@movies/contracts/mesh-state';
import { MESH_PATH } from '@movies/contracts/names';
import { seededRandom } from '@movies/contracts/random';
import { accessLogPattern, ISTIO_BUCKETS, METRICS_PATH } from '@movies/gateway';
import { type LocalStack, startLocalStack } from '@movies/gateway/testing';
import { chiSquareGoodnessOfFit } from '@movies/mesh';
import { findPrometheus, type RunningPrometheus, startPrometheus, toolGate, waitFor } from '@movies/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScript } from './support/harness.js';

const gate = toolGate(
  'prometheus',
  findPrometheus() !== undefined,
  'the PromQL checks against a real Prometheus (apps/ops/test/prometheus.test.ts)',
);

const FAULT_ERROR_RATE = 0.2;
const NAMESPACE = 'movies';
const ALPHA = 0.001;

let stack: LocalStack;
let prometheus: RunningPrometheus;
const accessLog: string[] = [];
/** The gateway's counters just before the seeded traffic, and the scrape times around it (seconds). */
let baseline: Record<string, TrafficCount>;
let firstScrape: number;
let lastScrape: number;
let cliP99: number | null;

const hostPort = (url: string) => new URL(url).host;

async function traffic(): Promise<Record<string, TrafficCount>> {
  const response = await fetch(`${stack.gatewayUrl}${MESH_PATH}`);
  return meshStateSchema.parse(await response.json()).traffic.total;
}

/** The value of a query that must answer one sample; an error naming the query when it has none. */
async function scalar(expr: string, time?: number): Promise<number> {
  const [sample, ...more] = await prometheus.query(expr, time);
  if (!sample || more.length > 0)
    throw new Error(`expected one sample from ${expr}, got ${more.length + (sample ? 1 : 0)}`);
  return sample.value;
}

/** Waits until Prometheus has scraped every answer the gateway's counters hold; returns that scrape's time. */
async function untilScraped(): Promise<number> {
  const query = 'sum(istio_requests_total{reporter="destination",destination_service_name="movie-backend"})';
  let seen = 'nothing';
  await waitFor(
    async () => {
      const total = await traffic();
      const expected = (total.v1?.requests ?? 0) + (total.v2?.requests ?? 0);
      const [sample] = await prometheus.query(query);
      seen = `${sample?.value} of ${expected}`;
      return sample?.value === expected;
    },
    () => `Prometheus to count every answer (${seen})`,
    { intervalMs: 200 },
  );
  return scalar('timestamp(up{job="gateway"})');
}

/** What is wrong with a dashboard's panels: each must return series for both versions. */
async function panelProblems(panels: readonly PanelQuery[]): Promise<string[]> {
  const problems: string[] = [];
  for (const { panel, expr } of panels) {
    try {
      const versions = new Set((await prometheus.query(expr)).map((s) => s.metric.destination_version));
      for (const version of ['v1', 'v2'])
        if (!versions.has(version)) problems.push(`panel "${panel}" has no ${version} series: ${expr}`);
    } catch (error) {
      problems.push(`panel "${panel}": ${(error as Error).message}`);
    }
  }
  return problems;
}

const panel = (title: string) => {
  const found = dashboardPanels().find((p) => p.panel === title);
  if (!found) throw new Error(`the dashboard has no panel "${title}"`);
  return found;
};

async function byVersion(expr: string): Promise<Record<string, number>> {
  return Object.fromEntries(
    (await prometheus.query(expr)).map((s) => [s.metric.destination_version, s.value]),
  );
}

const delta = (now: Record<string, TrafficCount>, version: string) => ({
  requests: (now[version]?.requests ?? 0) - (baseline[version]?.requests ?? 0),
  errors: (now[version]?.errors ?? 0) - (baseline[version]?.errors ?? 0),
});

describe.runIf(gate.run)('the shipped PromQL against a real Prometheus', () => {
  beforeAll(async () => {
    gate.assertAvailable();
    stack = await startLocalStack({
      overlay: '80-20',
      backendEnv: { v2: { FAULT_ERROR_RATE: String(FAULT_ERROR_RATE), FAULT_SEED: '2101' } },
      gateway: {
        random: seededRandom(2_100),
        metrics: { port: 0 },
        accessLog: (line) => void accessLog.push(line),
      },
    });
    prometheus = await startPrometheus({
      jobs: [
        {
          job: 'gateway',
          targets: [hostPort(stack.gateway.metricsUrl as string)],
          metricsPath: METRICS_PATH,
        },
        { job: 'movie-backend', targets: [hostPort(stack.backends.v1.url), hostPort(stack.backends.v2.url)] },
      ],
    });
    await prometheus.waitForTargetsUp();

    // Every series the checks read exists before the window starts (v1's 200s, v2's 200s and 500s), so a rate
    // over exactly [first scrape, last scrape] counts every answer in between and nothing else.
    await waitFor(async () => {
      await Promise.all(
        Array.from({ length: 10 }, () => fetch(`${stack.gatewayUrl}/api/`).then((r) => r.arrayBuffer())),
      );
      const total = await traffic();
      const v2 = total.v2 ?? { requests: 0, errors: 0 };
      return (total.v1?.requests ?? 0) > 0 && v2.errors > 0 && v2.requests > v2.errors;
    }, 'answers from v1, and both 200 and 500 from v2');
    firstScrape = await untilScraped();
    baseline = await traffic();

    const run = await runScript(
      'test-traffic.sh',
      ['test', '600', '--json', '--no-progress', '--concurrency', '10', '--url', stack.gatewayUrl],
      { timeoutMs: 240_000 },
    );
    const report = JSON.parse(run.stdout) as { latencyMs: { p99: number | null } };
    cliP99 = report.latencyMs.p99;
    lastScrape = await untilScraped();
  }, 300_000);

  afterAll(async () => {
    await prometheus?.stop();
    await stack?.close();
  });

  it('measures: Prometheus beside the gateway’s /__mesh counts for the same traffic', async () => {
    const byVersionTotal = await byVersion(
      'sum by (destination_version) (istio_requests_total{reporter="destination"})',
    );
    const errors = await byVersion(
      'sum by (destination_version) (istio_requests_total{reporter="destination",response_code=~"5.."})',
    );
    const counters = await traffic();
    console.info(
      `PromQL sum by (destination_version) (istio_requests_total{reporter="destination"}): ${JSON.stringify(byVersionTotal)}; ` +
        `5xx: ${JSON.stringify(errors)}; gateway /__mesh traffic.total: ${JSON.stringify(counters)}; traffic CLI p99 ${cliP99} ms`,
    );
    for (const version of ['v1', 'v2']) {
      expect(byVersionTotal[version]).toBe(counters[version]?.requests);
      expect(errors[version] ?? 0).toBe(counters[version]?.errors);
    }
  });

  it('answers every Grafana panel with series for v1 and v2', async () => {
    const panels = dashboardPanels();
    expect(panels.length).toBeGreaterThanOrEqual(5);
    expect(await panelProblems(panels)).toEqual([]);
  });

  it('fails a dashboard with a wrong label or a broken expression', async () => {
    const broken = dashboardPanels(join(import.meta.dirname, 'fixtures', 'grafana-dashboard-broken.yaml'));
    const problems = await panelProblems(broken);
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/panel "wrong label" has no v1 series/);
    expect(problems[2]).toMatch(/panel "broken expression": Prometheus refused .*parse error/);
  });

  it('shows the split the gateway counted (share panel, χ² at α = 0.001)', async () => {
    const share = await byVersion(panel('Traffic share by version').expr);
    const counters = await traffic();
    const observed = { v1: counters.v1?.requests ?? 0, v2: counters.v2?.requests ?? 0 };
    const verdict = chiSquareGoodnessOfFit(
      observed,
      { v1: (share.v1 ?? 0) * 100, v2: (share.v2 ?? 0) * 100 },
      ALPHA,
    );
    expect(verdict.pass, verdict.reason).toBe(true);
    // And the split the gateway routed by: 80-20.
    expect(chiSquareGoodnessOfFit(observed, { v1: 80, v2: 20 }, ALPHA).pass).toBe(true);
  });

  it('shows v2’s injected errors in the success-rate panel, and none for v1', async () => {
    const success = await byVersion(panel('Success rate by version').expr);
    expect(success.v1).toBe(1);
    const counters = await traffic();
    const v2 = counters.v2 as TrafficCount;
    const answers = { ok: v2.requests - v2.errors, failed: v2.errors };
    const shown = success.v2 as number;
    expect(shown).toBeLessThan(1);
    const panelVerdict = chiSquareGoodnessOfFit(
      answers,
      { ok: shown * 100, failed: (1 - shown) * 100 },
      ALPHA,
    );
    expect(panelVerdict.pass, panelVerdict.reason).toBe(true);
    const injected = { ok: (1 - FAULT_ERROR_RATE) * 100, failed: FAULT_ERROR_RATE * 100 };
    expect(chiSquareGoodnessOfFit(answers, injected, ALPHA).pass).toBe(true);
  });

  it('gives canary.sh’s and Flagger’s success rate and p99 for movie-backend-v2 from the same answers', async () => {
    // The window is exactly [first scrape, last scrape]: rate() then extrapolates nothing.
    const window = `${Math.round((lastScrape - firstScrape) * 1000)}ms`;
    const canary = canaryQueries(NAMESPACE, window);
    const flaggerVars = { namespace: NAMESPACE, target: 'movie-backend-v2', interval: window };
    const v2 = delta(await traffic(), 'v2');
    const expected = (100 * (v2.requests - v2.errors)) / v2.requests;

    const canarySuccess = await scalar(canary.success, lastScrape);
    const flaggerSuccess = await scalar(flaggerQuery('request-success-rate', flaggerVars), lastScrape);
    expect(canarySuccess).toBeCloseTo(expected, 9);
    expect(flaggerSuccess).toBeCloseTo(expected, 9);

    const canaryP99 = await scalar(canary.p99, lastScrape);
    const flaggerP99 = await scalar(flaggerQuery('request-duration', flaggerVars), lastScrape);
    expect(flaggerP99).toBeCloseTo(canaryP99, 9);
    // The sidecar's duration of a request is part of the gateway's: no v2 p99 can pass the bucket holding the
    // slowest v2 answer in the gateway's access log.
    const v2Latencies = accessLog.flatMap((line) => {
      const found = accessLogPattern.exec(line)?.groups;
      return found?.destination === 'v2' ? [Number(found.latencyMs)] : [];
    });
    const slowest = Math.max(...v2Latencies);
    const bound = ISTIO_BUCKETS.find((le) => le >= slowest) ?? Number.POSITIVE_INFINITY;
    expect(canaryP99).toBeGreaterThan(0);
    expect(canaryP99).toBeLessThanOrEqual(bound);

    // The traffic CLI's p99 (nearest rank over its answers, every one of them in the window) times each request
    // from outside the gateway, so it bounds the ingress gateway's own p99 of the same requests: the histogram's
    // quantile cannot pass the bucket that holds the CLI's p99 (plus its rounding to 2 decimals).
    const bucketAbove = (ms: number) => ISTIO_BUCKETS.find((le) => le >= ms) ?? Number.POSITIVE_INFINITY;
    const ingressP99 = await scalar(
      `histogram_quantile(0.99, sum by (le) (rate(istio_request_duration_milliseconds_bucket{reporter="source"}[${window}])))`,
      lastScrape,
    );
    expect(cliP99).not.toBeNull();
    // The premise: the window holds exactly the CLI's requests.
    expect(
      await scalar(`sum(increase(istio_requests_total{reporter="source"}[${window}]))`, lastScrape),
    ).toBeCloseTo(600, 6);
    expect(ingressP99).toBeGreaterThan(0);
    expect(ingressP99).toBeLessThanOrEqual(bucketAbove((cliP99 as number) + 0.005));
  });

  it('fails a canary query with a wrong label or a broken expression', async () => {
    const { success } = canaryQueries(NAMESPACE, '5m');
    await expect(
      scalar(success.replace('reporter="destination"', 'reporter="destinations"')),
    ).rejects.toThrow(/expected one sample .* got 0/);
    await expect(scalar(success.replace('sum(rate(', 'sum(rate(('))).rejects.toThrow(/Prometheus refused/);
  });

  it('shows the fault-injection overlay’s aborts in the ingress panel as response_flags="FI"', async () => {
    await stack.gateway.useOverlay('fault-injection');
    const statuses = await Promise.all(
      Array.from({ length: 60 }, async () => {
        const response = await fetch(`${stack.gatewayUrl}/api/`);
        await response.arrayBuffer();
        return response.status;
      }),
    );
    const aborted = stack.gateway.state().stats.aborted;
    expect(aborted).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 503).length).toBeGreaterThanOrEqual(aborted);
    const fi = 'sum(istio_requests_total{reporter="source",response_flags=~"(.+,)?FI(,.+)?"})';
    await waitFor(
      async () => (await prometheus.query(fi))[0]?.value === aborted,
      'Prometheus to count every abort',
    );
    const ingress = await prometheus.query(panel('Responses seen by the ingress gateway').expr);
    expect(ingress.some((s) => s.metric.response_code === '503')).toBe(true);
    expect(await scalar(fi)).toBe(aborted);
  });
});
