/**
 * canary.sh end to end: against the real local stack (backend processes + the in-process gateway, shifted with
 * PUT /__mesh), and in cluster mode against the kubectl stand-in with a Prometheus HTTP server on 127.0.0.1.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { METRICS_PATH } from '@movies/gateway';
import { type LocalStack, startLocalStack } from '@movies/gateway/testing';
import { findPrometheus, type RunningPrometheus, startPrometheus, toolGate, waitFor } from '@movies/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { canaryStacks, meshWeights } from './support/canary-stacks.js';
import { command, createStandIn, deployedCluster, runScript, type StandIn } from './support/harness.js';

// Short holds and few requests keep the suite quick. The p99 bound is generous because a loaded 2-core CI
// machine can push a healthy local request past half a second; the fault under test is the error rate.
const quickChecks = ['--interval', '0', '--requests', '100', '--max-p99-ms', '5000'];
// Judged by the traffic CLI alone: a Prometheus this machine runs for something else is never read.
const fastCanary = [...quickChecks, '--no-prometheus'];

const withPrometheus = toolGate(
  'prometheus',
  findPrometheus() !== undefined,
  'canary.sh judged by a real Prometheus (apps/ops/test/canary.test.ts; a stand-in answers instead)',
);

/** A real Prometheus scraping the stack's gateway (its Istio metrics), every target up. */
async function prometheusFor(stack: LocalStack): Promise<RunningPrometheus> {
  const prometheus = await startPrometheus({
    jobs: [
      {
        job: 'gateway',
        targets: [new URL(stack.gateway.metricsUrl as string).host],
        metricsPath: METRICS_PATH,
      },
    ],
  });
  await prometheus.waitForTargetsUp();
  return prometheus;
}

/** Sends requests until Prometheus has v2's answers over the last minute (and its 500s, when it fails some). */
async function warmUp(stack: LocalStack, prometheus: RunningPrometheus, failing: boolean): Promise<void> {
  const v2 = 'istio_requests_total{reporter="destination",destination_workload="movie-backend-v2"';
  await waitFor(async () => {
    await Promise.all(
      Array.from({ length: 10 }, () => fetch(`${stack.gatewayUrl}/api/`).then((r) => r.arrayBuffer())),
    );
    const ok = await prometheus.query(`sum(increase(${v2},response_code="200"}[1m])) > 0`);
    const failed = await prometheus.query(`sum(increase(${v2},response_code="500"}[1m])) > 0`);
    return ok.length > 0 && (!failing || failed.length > 0);
  }, "Prometheus to hold v2's answers");
}

/** Names of the movie-backend rules: the sticky pin rules must follow the weights the canary sets. */
function pinRules(rules: ReadonlyArray<{ virtualService?: string; name?: string | undefined }>): string[] {
  return rules.flatMap((rule) => (rule.name?.startsWith('pin-') ? [rule.name] : []));
}

function reportRows(stdout: string): string[] {
  return stdout.split('\n').filter((line) => /^(\d+|-)\s+\d+%/.test(line));
}

describe('canary.sh on the local stack', () => {
  const stacks = canaryStacks();

  it('promotes a healthy v2 step by step to 0-100 and exits 0', async () => {
    const result = await runScript(
      'canary.sh',
      ['--url', stacks.healthy.gatewayUrl, ...fastCanary, '--steps', '10,50,100'],
      {
        timeoutMs: 240_000,
      },
    );

    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(
      `target: local (the gateway at ${stacks.healthy.gatewayUrl} answers GET /__mesh)`,
    );
    const rows = reportRows(result.stdout);
    expect(rows.map((row) => row.split(/\s+/).slice(1, 3).join(' '))).toEqual([
      '10% 90/10',
      '50% 50/50',
      '100% 0/100',
    ]);
    for (const row of rows) expect(row).toMatch(/100%\s+\S+ms\s+cli\s+pass$/);
    expect(result.stdout).toContain('PROMOTED: v2 takes 100 % (0-100) after 3 check(s), 0 failed');
    expect(await meshWeights(stacks.healthy)).toEqual({ v1: 0, v2: 100 });
    expect(pinRules(stacks.healthy.gateway.state().rules)).toEqual(['pin-v2']);
  });

  it('rolls a failing v2 back to 100-0, exits 1 and writes the verdict file without a warning', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'canary-verdict-'));
    const verdictFile = join(dir, 'verdict.json');
    const result = await runScript(
      'canary.sh',
      ['--local', '--url', stacks.faulty.gatewayUrl, ...fastCanary, '--json', verdictFile],
      {
        timeoutMs: 240_000,
      },
    );

    expect(result.code, result.stdout + result.stderr).toBe(1);
    // The verdict is written from the EXIT trap; a helper status read wrongly there used to warn although it wrote.
    expect(result.stdout + result.stderr).not.toContain('could not write the verdict');
    const verdict = JSON.parse(readFileSync(verdictFile, 'utf8'));
    rmSync(dir, { recursive: true, force: true });
    expect(verdict).toMatchObject({ verdict: 'rolled-back', exitCode: 1, finalWeights: { v1: 100, v2: 0 } });
    expect(verdict.summary).toMatch(/^ROLLED BACK to 100-0/);
    expect(verdict.steps.filter((step: { result: string }) => step.result === 'fail')).toHaveLength(2);
    const rows = reportRows(result.stdout);
    const failures = rows.filter((row) => /FAIL: success rate [\d.]+ % < 99 %$/.test(row));
    expect(failures).toHaveLength(2); // the default --max-failed-checks
    expect(rows.at(-1)).toMatch(/^-\s+0%\s+100\/0 .* rolled back$/);
    expect(result.stdout).toMatch(
      /ROLLED BACK to 100-0 \(all traffic to v1\) after 2 failed check\(s\); v2 reached \d+ %/,
    );
    expect(await meshWeights(stacks.faulty)).toEqual({ v1: 100, v2: 0 });
    expect(pinRules(stacks.faulty.gateway.state().rules)).toEqual(['pin-v1']);
  });
});

describe('canary.sh --local and a gateway bound beyond loopback', () => {
  let stack: LocalStack | undefined;
  afterAll(async () => {
    await stack?.close();
  });

  it('stops with 69 and the gateway’s reason without GATEWAY_TOKEN, and promotes with it', async () => {
    // Bound to every address and reached through 127.0.0.1, so the gateway wants its admin token for changes.
    stack = await startLocalStack({ overlay: '100-0', gateway: { host: '0.0.0.0' } });
    const url = `http://127.0.0.1:${stack.gateway.port}`;
    const args = ['--local', '--url', url, ...fastCanary, '--steps', '100'];

    const refused = await runScript('canary.sh', args, { env: { GATEWAY_TOKEN: undefined } });
    expect(refused.code, refused.stderr).toBe(69);
    expect(refused.stderr).toContain("the gateway refused: PUT /__mesh needs the gateway's admin token");
    expect(await meshWeights(stack)).toEqual({ v1: 100, v2: 0 });

    const promoted = await runScript('canary.sh', args, {
      env: { GATEWAY_TOKEN: stack.gateway.token },
      timeoutMs: 240_000,
    });
    expect(promoted.code, promoted.stderr).toBe(0);
    expect(await meshWeights(stack)).toEqual({ v1: 0, v2: 100 });
  });
});

describe('canary.sh argument checks', () => {
  it.each([
    [['--steps', '10,5,100'], '--steps must increase, got 5 after 10'],
    [['--steps', '5,10,50'], '--steps must end at 100 (the promotion), got 50'],
    [['--steps', '5,x'], '--steps must be a comma-separated list of percentages'],
    [['--steps', '0,100'], "each step must be a percentage from 1 to 100, got '0'"],
    [['--requests', '0'], "--requests must be a whole number above 0, got '0'"],
    [['--min-success-rate', '101'], "--min-success-rate must be a percentage from 0 to 100, got '101'"],
    [['--max-p99-ms', 'fast'], "--max-p99-ms must be a number of milliseconds, got 'fast'"],
    [['--max-failed-checks', '-1'], "--max-failed-checks must be a whole number above 0, got '-1'"],
    [['--interval', '1h'], "--interval must be whole seconds (e.g. 30, 30s or 2m), got '1h'"],
    [['--interval'], '--interval needs a value'],
    [['--canary'], "unknown option '--canary'"],
  ])('rejects %j with exit 64 before touching any target', async (args, message) => {
    const standIn = createStandIn({});
    try {
      const result = await runScript('canary.sh', args, { env: standIn.env });
      expect(result.code).toBe(64);
      expect(result.stderr).toContain(message);
      expect(standIn.calls()).toEqual([]);
    } finally {
      standIn.cleanup();
    }
  });
});

describe.runIf(withPrometheus.run)('canary.sh --local judged by a real Prometheus', () => {
  const stacks = canaryStacks({ gateway: { metrics: { port: 0 } } });
  const prometheus: Partial<Record<keyof typeof stacks, RunningPrometheus>> = {};
  beforeAll(async () => {
    withPrometheus.assertAvailable();
    [prometheus.healthy, prometheus.faulty] = await Promise.all([
      prometheusFor(stacks.healthy),
      prometheusFor(stacks.faulty),
    ]);
  });
  afterAll(async () => {
    await Promise.all([prometheus.healthy?.stop(), prometheus.faulty?.stop()]);
  });

  async function canaryVerdict(which: keyof typeof stacks, args: string[]) {
    const dir = mkdtempSync(join(tmpdir(), 'canary-prometheus-'));
    const file = join(dir, 'verdict.json');
    const result = await runScript(
      'canary.sh',
      ['--local', '--url', stacks[which].gatewayUrl, ...quickChecks, '--json', file, ...args],
      { env: { PROMETHEUS_URL: prometheus[which]?.url }, timeoutMs: 240_000 },
    );
    const verdict = JSON.parse(readFileSync(file, 'utf8'));
    rmSync(dir, { recursive: true, force: true });
    return { result, verdict };
  }

  it('promotes a healthy v2 with every check judged by Prometheus', async () => {
    const { result, verdict } = await canaryVerdict('healthy', ['--steps', '10,50,100']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`judging from Prometheus at ${prometheus.healthy?.url}`);
    expect(verdict.verdict).toBe('promoted');
    expect(verdict.steps.map((step: { source: string }) => step.source)).toEqual([
      'prometheus',
      'prometheus',
      'prometheus',
    ]);
    expect(verdict.steps.every((step: { successRate: number }) => step.successRate === 100)).toBe(true);
  });

  it('rolls back FAULT_ERROR_RATE=0.3 with every check judged by Prometheus', async () => {
    const { result, verdict } = await canaryVerdict('faulty', []);
    expect(result.code, result.stdout + result.stderr).toBe(1);
    expect(verdict).toMatchObject({ verdict: 'rolled-back', finalWeights: { v1: 100, v2: 0 } });
    const steps = verdict.steps as Array<{ source: string; result: string; successRate: number }>;
    expect(steps.every((step) => step.source === 'prometheus')).toBe(true);
    // A first step at 5 % may see no failure among its few v2 answers; the default two failed checks roll back.
    const failed = steps.filter((step) => step.result === 'fail');
    expect(failed).toHaveLength(2);
    for (const step of failed) expect(step.successRate).toBeLessThan(99);
  });

  it('says so and judges from the traffic CLI when Prometheus has no data for v2', async () => {
    // A Prometheus that scrapes nothing answers /-/ready but holds no series.
    const empty = await startPrometheus({ jobs: [] });
    try {
      const result = await runScript(
        'canary.sh',
        ['--local', '--url', stacks.healthy.gatewayUrl, ...quickChecks, '--steps', '100'],
        { env: { PROMETHEUS_URL: empty.url }, timeoutMs: 240_000 },
      );
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain(
        "Prometheus has no data for movie-backend-v2 yet: using the traffic CLI's measurement",
      );
      for (const row of reportRows(result.stdout)) expect(row).toMatch(/\scli\s+pass$/);
    } finally {
      await empty.stop();
    }
  });
});

describe('canary.sh in a cluster, judged by Prometheus', () => {
  let stacks: { healthy: LocalStack; faulty: LocalStack };
  /** A real Prometheus per stack where one is installed, else one stand-in answering canaryMetrics. */
  const judges: { healthy?: RunningPrometheus; faulty?: RunningPrometheus } = {};
  let standInPrometheus: Server | undefined;
  let standInUrl = '';
  const queries: string[] = [];
  let canaryMetrics = { successRate: 100, p99: 42 };
  let standIn: StandIn | undefined;
  const real = withPrometheus.run;

  beforeAll(async () => {
    // The load still has to go somewhere: a local stack plays the ingress gateway; Prometheus does the judging.
    const [healthy, faulty] = await Promise.all([
      startLocalStack({ overlay: '80-20', gateway: { metrics: { port: 0 } } }),
      startLocalStack({
        overlay: '80-20',
        gateway: { metrics: { port: 0 } },
        backendEnv: { v2: { FAULT_ERROR_RATE: '0.3' } },
      }),
    ]);
    stacks = { healthy, faulty };
    if (real) {
      withPrometheus.assertAvailable();
      [judges.healthy, judges.faulty] = await Promise.all([prometheusFor(healthy), prometheusFor(faulty)]);
      // The cluster's window is a minute: it holds v2's answers before the first check.
      await Promise.all([warmUp(healthy, judges.healthy, false), warmUp(faulty, judges.faulty, true)]);
      return;
    }
    standInPrometheus = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://prometheus');
      if (url.pathname === '/-/ready') {
        response.end('Prometheus Server is Ready.\n');
        return;
      }
      const query = url.searchParams.get('query') ?? '';
      queries.push(query);
      const value = query.includes('histogram_quantile') ? canaryMetrics.p99 : canaryMetrics.successRate;
      response.setHeader('content-type', 'application/json');
      response.end(
        JSON.stringify({
          status: 'success',
          data: { resultType: 'vector', result: [{ metric: {}, value: [0, String(value)] }] },
        }),
      );
    });
    await new Promise<void>((resolve) => standInPrometheus?.listen(0, '127.0.0.1', resolve));
    standInUrl = `http://127.0.0.1:${(standInPrometheus.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) =>
      standInPrometheus ? standInPrometheus.close(resolve) : resolve(undefined),
    );
    await Promise.all([judges.healthy?.stop(), judges.faulty?.stop()]);
    await Promise.all([stacks?.healthy.close(), stacks?.faulty.close()]);
  });
  afterEach(() => {
    standIn?.cleanup();
    standIn = undefined;
    queries.length = 0;
  });

  const prometheusUrl = (which: 'healthy' | 'faulty') => (real ? (judges[which]?.url as string) : standInUrl);
  const clusterCanary = (which: 'healthy' | 'faulty') => [
    '--cluster',
    '--url',
    stacks[which].gatewayUrl,
    '--prometheus-url',
    prometheusUrl(which),
    '--steps',
    '50,100',
    '--interval',
    '0',
    '--requests',
    '20',
    '--max-p99-ms',
    '5000',
  ];

  const patchedWeights = (s: StandIn) =>
    s.mutations().map((call) => {
      const patch = JSON.parse(call.argv.at(-1) as string) as Array<{ op: string; value: unknown }>;
      return patch.filter((op) => op.op === 'replace').map((op) => op.value);
    });

  it("patches the VirtualService through each step when the canary's metrics are good", async () => {
    canaryMetrics = { successRate: 100, p99: 42 };
    standIn = createStandIn(await deployedCluster('80-20'));
    const result = await runScript('canary.sh', clusterCanary('healthy'), {
      env: standIn.env,
      timeoutMs: 240_000,
    });

    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`✓ judging from Prometheus at ${prometheusUrl('healthy')}`);
    expect(patchedWeights(standIn)).toEqual([
      [50, 50],
      [0, 100],
    ]);
    const promoted = standIn.object('VirtualService', 'movie-backend') as unknown as {
      spec: { http: Array<{ name?: string }> };
    };
    expect(pinRules(promoted.spec.http)).toEqual(['pin-v2']);
    for (const call of standIn.mutations())
      expect(command(call)).toMatch(/^patch virtualservice movie-backend --type=json/);
    const rows = reportRows(result.stdout);
    expect(rows).toHaveLength(2);
    for (const row of rows)
      expect(row).toMatch(
        real ? /100\.00%\s+[\d.]+ms\s+prometheus\s+pass$/ : /100\.00%\s+42\.00ms\s+prometheus\s+pass$/,
      );
    if (real) return;
    expect(
      queries.some((q) => q.startsWith('100 * sum(rate(istio_requests_total{reporter="destination"')),
    ).toBe(true);
    expect(queries.some((q) => q.includes('istio_request_duration_milliseconds_bucket'))).toBe(true);
    expect(
      queries.every((q) =>
        q.includes('destination_workload_namespace="movies",destination_workload="movie-backend-v2"'),
      ),
    ).toBe(true);
  });

  it('rolls back with a 100-0 patch when Prometheus reports the canary failing', async () => {
    canaryMetrics = { successRate: 91.5, p99: 42 };
    standIn = createStandIn(await deployedCluster('80-20'));
    const result = await runScript('canary.sh', [...clusterCanary('faulty'), '--max-failed-checks', '1'], {
      env: standIn.env,
      timeoutMs: 240_000,
    });

    expect(result.code).toBe(1);
    expect(patchedWeights(standIn)).toEqual([
      [50, 50],
      [100, 0],
    ]);
    const rolledBack = standIn.object('VirtualService', 'movie-backend') as unknown as {
      spec: { http: Array<{ name?: string }> };
    };
    expect(pinRules(rolledBack.spec.http)).toEqual(['pin-v1']);
    expect(result.stdout).toMatch(
      real
        ? /[\d.]+%\s+[\d.]+ms\s+prometheus\s+FAIL: success rate [\d.]+ % < 99 %/
        : /FAIL: success rate 91\.50 % < 99 %/,
    );
    expect(result.stdout).toContain(
      'ROLLED BACK to 100-0 (all traffic to v1) after 1 failed check(s); v2 reached 50 %',
    );
  });
});
