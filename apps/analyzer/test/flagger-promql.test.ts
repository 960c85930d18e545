/**
 * The PromQL of a Flagger rollout, evaluated by Prometheus's own engine (`promtool test rules`) over the series
 * Istio reports while Flagger's VirtualService splits /api/ between movie-backend-primary (v1) and the canary
 * workload movie-backend (v2, behind Service movie-backend-canary):
 *   - Flagger's built-in request-success-rate and request-duration, as the committed istio-metrics-observer.go
 *     writes them and rendered for the Canary, give the same numbers as scripts/canary.sh's own queries;
 *   - every panel of the Grafana dashboard, as the flagger variant renders it, shows both versions.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findKubectl, k8sDir, parseManifests } from '@movies/mesh';
import { findObject } from '@movies/mesh/testing';
import { toolGate } from '@movies/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { dashboardQueries } from '../src/check-observability.js';
import { canaryQueries, flaggerQuery } from '../src/shipped-queries.js';

const execFileAsync = promisify(execFile);
const promtool = toolGate(
  'promtool',
  spawnSync('promtool', ['--version']).status === 0,
  'the PromQL checks of the Flagger variant (apps/analyzer/test/flagger-promql.test.ts)',
);

const _repoRoot = join(k8sDir, '..');
const NAMESPACE = 'movies';

interface Series {
  series: string;
  values: string;
}

/** A counter growing by `perSecond` every second, sampled every 15 s for 10 minutes. */
const counter = (labels: Record<string, string>, metric: string, perSecond: number): Series => ({
  series: `${metric}{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',')}}`,
  values: `0+${perSecond * 15}x40`,
});

/**
 * What Istio reports during the analysis: the primary (v1) answers 100 requests/s, all 200 within 100 ms; the canary
 * (v2) answers 100/s, a quarter of them 500s, all between 100 and 250 ms. (Rates of 100 keep every expected value
 * exact in floating point: p99 = bucket start + width × 99/100.) Seen at the backends' sidecars (destination) and
 * at the ingress gateway (source).
 */
function istioSeries(): Series[] {
  const workloads = [
    {
      workload: 'movie-backend-primary',
      service: 'movie-backend-primary',
      version: 'v1',
      ok: 100,
      failed: 0,
      le: '100',
    },
    {
      workload: 'movie-backend',
      service: 'movie-backend-canary',
      version: 'v2',
      ok: 75,
      failed: 25,
      le: '250',
    },
  ];
  return workloads.flatMap(({ workload, service, version, ok, failed, le }) => {
    const destination = {
      reporter: 'destination',
      destination_workload_namespace: NAMESPACE,
      destination_workload: workload,
      destination_service_name: service,
      destination_version: version,
    };
    const source = { ...destination, reporter: 'source', source_workload: 'istio-ingressgateway' };
    const total = ok + failed;
    return [
      ...[destination, source].flatMap((labels) => [
        counter({ ...labels, response_code: '200' }, 'istio_requests_total', ok),
        ...(failed > 0 ? [counter({ ...labels, response_code: '500' }, 'istio_requests_total', failed)] : []),
      ]),
      ...['100', '250', '500', '+Inf'].map((bound) =>
        counter(
          { ...destination, le: bound },
          'istio_request_duration_milliseconds_bucket',
          Number(bound) < Number(le) ? 0 : total,
        ),
      ),
    ];
  });
}

interface ExprTest {
  expr: string;
  eval_time: string;
  exp_samples: Array<{ labels: string; value: number }>;
}

let dir: string;
let rendered: Array<Record<string, unknown>>;

beforeAll(async () => {
  if (!promtool.run) return;
  promtool.assertAvailable();
  const kubectl = findKubectl();
  if (!kubectl)
    throw new Error('kubectl is not on the PATH (or $KUBECTL): the Flagger variant needs a render');
  const { stdout } = await execFileAsync(
    kubectl,
    ['kustomize', join(k8sDir, 'progressive-delivery', 'flagger')],
    {
      maxBuffer: 32 * 1024 * 1024,
    },
  );
  rendered = parseManifests(stdout);
  dir = mkdtempSync(join(tmpdir(), 'flagger-promql-'));
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Runs promtool over the series and expectations; resolves with its report when every expectation holds. */
async function evaluate(name: string, tests: ExprTest[]): Promise<void> {
  const file = join(dir, `${name}.yml`);
  writeFileSync(
    file,
    stringify({
      rule_files: [],
      evaluation_interval: '1m',
      tests: [{ interval: '15s', input_series: istioSeries(), promql_expr_test: tests }],
    }),
  );
  const result = spawnSync('promtool', ['test', 'rules', file], { encoding: 'utf8' });
  expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
}

describe.runIf(promtool.run)('PromQL during a Flagger rollout (promtool)', () => {
  it("Flagger's built-in metrics and canary.sh's queries give the same verdict inputs", async () => {
    const canary = findObject(rendered, 'Canary', 'movie-backend') as {
      spec: { targetRef: { name: string }; analysis: { metrics: Array<{ name: string; interval: string }> } };
    };
    const interval = (metric: string) =>
      canary.spec.analysis.metrics.find((m) => m.name === metric)?.interval ?? '';
    const target = canary.spec.targetRef.name;
    const ours = canaryQueries(NAMESPACE, interval('request-success-rate'), target);
    expect(ours.success).toContain(`destination_workload="${target}"`);
    const at = (expr: string, value: number): ExprTest => ({
      expr,
      eval_time: '10m',
      exp_samples: [{ labels: '{}', value }],
    });
    // The canary workload's own answers only: 3 of 4 succeed, p99 inside the 100–250 ms bucket.
    await evaluate('verdict', [
      at(
        flaggerQuery('request-success-rate', {
          namespace: NAMESPACE,
          target,
          interval: interval('request-success-rate'),
        }),
        75,
      ),
      at(ours.success, 75),
      at(
        flaggerQuery('request-duration', {
          namespace: NAMESPACE,
          target,
          interval: interval('request-duration'),
        }),
        248.5,
      ),
      at(ours.p99, 248.5),
    ]);
  });

  it('every dashboard panel shows v1 (primary) and v2 (canary)', async () => {
    const configMap = findObject(rendered, 'ConfigMap', 'grafana-dashboard-movie-backend') as {
      data: Record<string, string>;
    };
    const queries = dashboardQueries(JSON.parse(configMap.data['movie-backend-split.json'] as string));
    const expected: Record<string, Array<{ labels: string; value: number }>> = {
      'Request rate by version': [
        { labels: '{destination_version="v1"}', value: 100 },
        { labels: '{destination_version="v2"}', value: 100 },
      ],
      'Traffic share by version': [
        { labels: '{destination_version="v1"}', value: 0.5 },
        { labels: '{destination_version="v2"}', value: 0.5 },
      ],
      'Success rate by version': [
        { labels: '{destination_version="v1"}', value: 1 },
        { labels: '{destination_version="v2"}', value: 0.75 },
      ],
      'p99 latency by version': [
        { labels: '{destination_version="v1"}', value: 99 },
        { labels: '{destination_version="v2"}', value: 248.5 },
      ],
      'Responses seen by the ingress gateway': [
        { labels: '{destination_version="v1", response_code="200"}', value: 100 },
        { labels: '{destination_version="v2", response_code="200"}', value: 75 },
        { labels: '{destination_version="v2", response_code="500"}', value: 25 },
      ],
    };
    expect(queries.map((q) => q.panel).sort()).toEqual(Object.keys(expected).sort());
    await evaluate(
      'dashboard',
      queries.map(({ panel, expr }) => ({ expr, eval_time: '10m', exp_samples: expected[panel] ?? [] })),
    );
  });
});
