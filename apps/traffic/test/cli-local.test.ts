/**
 * The real CLI (child process) against a real local stack: built backend processes v1 and v2 and the local
 * gateway, routed by the k8s/ overlays. Statistical checks use the CLI's own chi-square at α = 0.001 plus a
 * generous independent bound (± 4 percentage points over 2 000 requests is more than 4 standard deviations).
 */
import { spawn } from 'node:child_process';
import { seededRandom } from '@movies/contracts/random';
import { startGateway } from '@movies/gateway';
import { type LocalStack, startLocalStack } from '@movies/gateway/testing';
import { repoRoot } from '@movies/mesh';
import { waitFor } from '@movies/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestReport } from '../src/commands/test.js';
import type { VisitorsReport } from '../src/commands/visitors.js';
import { cliPath, parseJson, parseTestReport, runCli, tsxLoader } from './support/run-cli.js';

let stack: LocalStack;

beforeAll(async () => {
  // Seeded draws: the CLI's chi-square checks below see the same split on every run.
  stack = await startLocalStack({ overlay: '80-20', gateway: { random: seededRandom(424_242) } });
}, 180_000);

afterAll(async () => {
  await stack?.close();
});

const documentedFields = [
  'target',
  'mode',
  'source',
  'requests',
  'counts',
  'unknown',
  'errors',
  'percentages',
  'configured',
  'observedSplit',
  'chiSquare',
  'intervals',
  'successRate',
  'latencyMs',
  'verdict',
  'exitCode',
];

const share = (report: TestReport, version: string) => (report.counts[version] ?? 0) / report.requests;

describe('traffic CLI on the local stack', () => {
  it('test 2000 on 80-20 passes and shows about 80/20', async () => {
    const result = await runCli(['test', '2000', '--concurrency', '20', '--json', '--url', stack.gatewayUrl]);
    const report = parseTestReport(result);
    expect(result.code, result.stderr).toBe(0);
    expect(report).toMatchObject({
      mode: 'local',
      source: '80-20',
      requests: 2000,
      unknown: 0,
      errors: { total: 0 },
      configured: { v1: 80, v2: 20 },
      verdict: 'pass',
      exitCode: 0,
      successRate: 100,
    });
    expect((report.counts.v1 ?? 0) + (report.counts.v2 ?? 0)).toBe(2000);
    expect(Math.abs(share(report, 'v1') - 0.8)).toBeLessThan(0.04);
    expect(report.chiSquare).toMatchObject({ pass: true, df: 1, alpha: 0.001 });
    expect(report.intervals.v1?.low).toBeLessThan(report.intervals.v1?.high ?? 0);
    expect(report.latencyMs.p50).toBeGreaterThan(0);
    expect(report.latencyMs.p99).toBeGreaterThanOrEqual(report.latencyMs.p90 ?? 0);
    // --json: exactly one object, nothing on stderr (no progress bar or notes), the documented fields.
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toBe('');
    expect(Object.keys(report)).toEqual(expect.arrayContaining(documentedFields));
    expect(Object.keys(report.latencyMs)).toEqual(['p50', 'p90', 'p99']);
    expect(Object.keys(report.percentages)).toEqual(['v1', 'v2', 'unknown', 'errors']);
    expect(Object.keys(report.chiSquare)).toEqual(
      expect.arrayContaining(['pass', 'statistic', 'df', 'pValue', 'alpha']),
    );
  }, 180_000);

  it('prints a readable report with bars, the verdict and latency', async () => {
    const result = await runCli(['test', '200', '--url', stack.gatewayUrl]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/v1\s+\d+\s+[\d.]+ %\s+[\d.]+ – [\d.]+ %\s+80 %/);
    expect(result.stdout).toMatch(/observed\s+█+/);
    expect(result.stdout).toMatch(/configured\s+░+/);
    expect(result.stdout).toContain('Chi-square goodness of fit (α = 0.001)');
    expect(result.stdout).toMatch(/Latency: p50 [\d.]+ ms\s+p90 [\d.]+ ms\s+p99 [\d.]+ ms/);
    expect(result.stdout).toContain('Result: PASS');
    expect(result.stderr).toContain(`target ${stack.gatewayUrl}`);
  }, 120_000);

  it('config prints the weights and the rules', async () => {
    const result = await runCli(['config', '--url', stack.gatewayUrl], { viaScript: true });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/local gateway.*80-20/);
    expect(result.stdout).toMatch(/v1\s+█+\s+80 %/);
    expect(result.stdout).toMatch(
      /movie-backend\s+weighted-split\s+uri prefix \/api\/\s+\/\s+v1 80 %, v2 20 %/,
    );
    const json = parseJson<{ weights: unknown; rules: unknown[] }>(
      await runCli(['config', '--json', '--url', stack.gatewayUrl]),
    );
    expect(json.weights).toEqual({ v1: 80, v2: 20 });
    expect(json.rules.length).toBeGreaterThanOrEqual(1);
  }, 120_000);

  it('monitor --duration 2 prints plain updates when stdout is not a terminal', async () => {
    const result = await runCli([
      'monitor',
      '--duration',
      '2',
      '--interval',
      '300',
      '--url',
      stack.gatewayUrl,
    ]);
    expect(result.code, result.stderr).toBe(0);
    const updates = result.stdout.split('\n').filter((line) => /^\[\d\d:\d\d:\d\d\] v1 /.test(line));
    expect(updates.length).toBeGreaterThanOrEqual(2);
    expect(updates.at(-1)).toMatch(/configured 80 %.*v2 [\d.]+ % \(configured 20 %\).*req\/s.*p99/);
    expect(result.stdout).not.toContain('\x1b['); // no cursor moves into a pipe
    expect(result.stdout).toMatch(/monitor stopped after \d+ updates, \d+ requests sent/);
  }, 120_000);

  it('monitor shows a switch made elsewhere, and stops cleanly on Ctrl-C (SIGINT)', async () => {
    // node with tsx's loader rather than the tsx wrapper, so SIGINT reaches the CLI itself as Ctrl-C would; the
    // wrapper's signal relay gives up after 30 ms, which a loaded CI machine can exceed.
    const args = ['--import', tsxLoader, cliPath, 'monitor', '--interval', '300', '--url', stack.gatewayUrl];
    const child = spawn(process.execPath, args, {
      cwd: repoRoot,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const waitForOutput = (pattern: RegExp, what: string) =>
      waitFor(
        () => {
          if (child.exitCode !== null)
            throw new Error(`the CLI exited before printing the ${what}:\n${stdout}`);
          return pattern.test(stdout);
        },
        () => `${what} in:\n${stdout}`,
        { timeoutMs: 60_000, intervalMs: 100 },
      );
    try {
      await waitForOutput(/routing 80-20/, 'first update');
      await stack.gateway.useOverlay('50-50');
      await waitForOutput(/\(configured 50 %\).*routing 50-50/, 'update after the switch');
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(stdout).toMatch(/monitor stopped after \d+ updates/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await stack.gateway.useOverlay('80-20');
    }
  }, 120_000);

  it('test --visitors 300: each visitor stays on one version and visitors follow the weights', async () => {
    const result = await runCli([
      'test',
      '--visitors',
      '300',
      '--per-visitor',
      '5',
      '--concurrency',
      '10',
      '--json',
      '--url',
      stack.gatewayUrl,
    ]);
    const report = parseJson<VisitorsReport>(result);
    expect(result.code, result.stderr).toBe(0);
    expect(report).toMatchObject({
      visitors: 300,
      requests: 1500,
      configured: { v1: 80, v2: 20 },
      switched: 0,
      unpinned: 0,
      unknown: 0,
      errors: { total: 0 },
      verdict: 'pass',
      chiSquare: { pass: true, df: 1 },
    });
    expect((report.visitorsByVersion.v1 ?? 0) + (report.visitorsByVersion.v2 ?? 0)).toBe(300);
    expect(report.visitorsByVersion.v2).toBeGreaterThan(0);
    // The same gateway still splits plain requests (no cookie) per request.
    const plain = parseTestReport(await runCli(['test', '400', '--json', '--url', stack.gatewayUrl]));
    expect(plain).toMatchObject({ exitCode: 0, configured: { v1: 80, v2: 20 } });
    expect(plain.counts.v2).toBeGreaterThan(0);
    expect(plain.counts.v1).toBeGreaterThan(0);
  }, 180_000);

  it('set never gets stuck: after set v1=100, both set 95 5 and set v1=95 v2=5 work; set 100 is set v1=100', async () => {
    try {
      const steps: Array<[string[], Record<string, number>]> = [
        [['v1=100'], { v1: 100, v2: 0 }],
        [['95', '5'], { v1: 95, v2: 5 }],
        [['100'], { v1: 100, v2: 0 }],
        [['v1=95', 'v2=5'], { v1: 95, v2: 5 }],
        [['100', '0'], { v1: 100, v2: 0 }],
      ];
      for (const [args, weights] of steps) {
        const result = await runCli(['set', ...args, '--url', stack.gatewayUrl]);
        expect(result.code, `set ${args.join(' ')}: ${result.stderr}`).toBe(0);
        expect(stack.gateway.state().weights, `set ${args.join(' ')}`).toEqual(weights);
      }
      const pinned = stack.gateway.state().rules.filter((rule) => rule.name?.startsWith('pin-'));
      expect(pinned.map((rule) => rule.name)).toEqual(['pin-v1']);
      const v3 = await runCli(['set', 'v3=100', '--url', stack.gatewayUrl]);
      expect(v3.code).toBe(64);
      expect(v3.stderr).toContain('unknown subset "v3" (known: v1, v2)');
    } finally {
      await stack.gateway.useOverlay('80-20');
    }
  }, 180_000);

  it('set 90 5 is refused with exit 64 and changes nothing', async () => {
    const before = stack.gateway.state();
    const result = await runCli(['set', '90', '5', '--url', stack.gatewayUrl]);
    expect(result.code).toBe(64);
    expect(result.stderr).toContain('weights must sum to 100, got 95 (90 + 5)');
    const after = stack.gateway.state();
    expect(after.weights).toEqual(before.weights);
    expect(after.updatedAt).toBe(before.updatedAt);
    const unknownSubset = await runCli(['set', '50', '25', '25', '--url', stack.gatewayUrl]);
    expect(unknownSubset.code).toBe(64);
    expect(unknownSubset.stderr).toContain('unknown subset "v3"');
    expect(stack.gateway.state().updatedAt).toBe(before.updatedAt);
  }, 120_000);

  it('set 95 5 switches the gateway and prints the split read back', async () => {
    const result = await runCli(['set', '95', '5', '--url', stack.gatewayUrl]);
    expect(result.code, result.stderr).toBe(0);
    expect(stack.gateway.state()).toMatchObject({ source: 'custom', weights: { v1: 95, v2: 5 } });
    expect(result.stdout).toMatch(/now custom/);
    expect(result.stdout).toMatch(/v1\s+█+\s+95 %/);
    expect(result.stdout).toMatch(/v2\s+█+\s+5 %/);
  }, 120_000);

  it('set 50-50, then test passes at about 50/50', async () => {
    const set = await runCli(['set', '50-50', '--url', stack.gatewayUrl]);
    expect(set.code, set.stderr).toBe(0);
    expect(stack.gateway.state()).toMatchObject({ source: '50-50', weights: { v1: 50, v2: 50 } });
    const report = parseTestReport(
      await runCli(['test', '2000', '--concurrency', '20', '--json', '--url', stack.gatewayUrl]),
    );
    expect(report).toMatchObject({
      exitCode: 0,
      source: '50-50',
      configured: { v1: 50, v2: 50 },
      unknown: 0,
    });
    expect(Math.abs(share(report, 'v1') - 0.5)).toBeLessThan(0.05);
  }, 180_000);

  it('on 100-0 every answer comes from v1', async () => {
    expect((await runCli(['set', '100-0', '--url', stack.gatewayUrl])).code).toBe(0);
    const result = await runCli(['test', '300', '--json', '--url', stack.gatewayUrl]);
    const report = parseTestReport(result);
    expect(result.code).toBe(0);
    expect(report.counts).toEqual({ v1: 300, v2: 0 });
    expect(report.configured).toEqual({ v1: 100, v2: 0 });
    expect(report.chiSquare).toMatchObject({ pass: true, df: 0 });
  }, 120_000);

  it('compares a premium request with what the header-routing rule gives it (v2 100 %), even after set', async () => {
    expect((await runCli(['set', 'header-routing', '--url', stack.gatewayUrl])).code).toBe(0);
    const premium = ['test', '300', '--json', '--header', 'x-user-type:premium', '--url', stack.gatewayUrl];
    const report = parseTestReport(await runCli(premium));
    expect(report).toMatchObject({ exitCode: 0, configured: { v2: 100 }, counts: { v2: 300 } });
    expect(report.counts.v1 ?? 0).toBe(0);
    // A custom split keeps the premium rule; the CLI must still expect v2 for premium requests.
    expect((await runCli(['set', '60', '40', '--url', stack.gatewayUrl])).code).toBe(0);
    const afterSet = parseTestReport(await runCli(premium));
    expect(afterSet).toMatchObject({
      exitCode: 0,
      source: 'custom',
      configured: { v2: 100 },
      counts: { v2: 300 },
    });
    const plain = parseTestReport(await runCli(['test', '400', '--json', '--url', stack.gatewayUrl]));
    expect(plain).toMatchObject({ exitCode: 0, configured: { v1: 60, v2: 40 } });
  }, 180_000);

  it('test with v2 stopped while it has weight (60/40 now) reports the 503s as errors with exit 2', async () => {
    await stack.backends.v2.stop();
    try {
      const result = await runCli(['test', '200', '--json', '--url', stack.gatewayUrl]);
      const report = parseTestReport(result);
      expect(result.code).toBe(2);
      expect(report.verdict).toBe('errors');
      expect(report.errors.byStatus['503']).toBeGreaterThan(0);
      expect(report.errors.total).toBe(report.errors.byStatus['503']);
      expect(report.counts.v2).toBe(0);
      expect(report.successRate).toBeLessThan(100);
    } finally {
      await stack.backends.v2.start();
    }
  }, 180_000);
});

describe('traffic set and a gateway bound beyond loopback', () => {
  it('is refused (401, exit 64) without GATEWAY_TOKEN and sends it when set', async () => {
    // Bound to every address, reached through 127.0.0.1 as a colleague's browser would reach the LAN address.
    const gateway = await startGateway({ port: 0, host: '0.0.0.0', overlay: '80-20', accessLog: false });
    try {
      const url = `http://127.0.0.1:${gateway.port}`;
      const without = await runCli(['set', '50-50', '--url', url]);
      expect(without.code).toBe(64);
      expect(without.stderr).toContain('the gateway refused the change (HTTP 401)');
      expect(without.stderr).toContain('Set GATEWAY_TOKEN to the admin token the gateway printed');
      const wrong = await runCli(['set', '50-50', '--url', url], {
        env: { GATEWAY_TOKEN: 'not-the-token-0123456789' },
      });
      expect(wrong.code).toBe(64);
      expect(wrong.stderr).toContain("GATEWAY_TOKEN is not this gateway's admin token");
      expect(gateway.state().source).toBe('80-20');

      const withToken = await runCli(['set', '50-50', '--url', url], {
        env: { GATEWAY_TOKEN: gateway.token },
      });
      expect(withToken.code, withToken.stderr).toBe(0);
      expect(gateway.state().weights).toEqual({ v1: 50, v2: 50 });
    } finally {
      await gateway.close();
    }
  }, 120_000);
});
