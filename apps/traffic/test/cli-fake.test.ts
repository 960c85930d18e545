/**
 * The real CLI against tiny node:http stand-ins, for what a healthy real stack cannot show: a backend that states no
 * version, a gateway whose traffic contradicts its configuration, a target that is down, a refused PUT.
 */
import type { MeshState } from '@movies/contracts/mesh-state';
import { parseVirtualService, summarizeRules } from '@movies/mesh';
import { afterEach, describe, expect, it } from 'vitest';
import type { VisitorsReport } from '../src/commands/visitors.js';
import { type FakeServer, sendJson, startFakeServer } from './support/fake-servers.js';
import { parseJson, parseTestReport, runCli } from './support/run-cli.js';

const servers: FakeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** GET /__mesh of a gateway whose one /api/ rule splits by `weights` (the contract's shape, in full). */
function meshState(weights: Record<string, number>): MeshState {
  const now = new Date().toISOString();
  const route = Object.entries(weights).map(([subset, weight]) => ({
    destination: { host: 'movie-backend', subset },
    weight,
  }));
  const virtualService = {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'movie-backend' },
    spec: {
      hosts: ['*'],
      gateways: ['istio-gateway'],
      http: [{ match: [{ uri: { prefix: '/api/' } }], route }],
    },
  };
  return {
    source: 'fake',
    via: 'inline',
    weights,
    rules: summarizeRules([parseVirtualService(virtualService)]),
    counts: {},
    countsSince: now,
    stats: { mirrored: 0, delayed: 0, aborted: 0, unrouted: 0 },
    upstreams: {},
    updatedAt: now,
    virtualServices: [virtualService],
    subsets: Object.keys(weights),
    traffic: { windowSeconds: 10, window: {}, total: {} },
  };
}

/** A fake local gateway: GET /__mesh claims `weights`; /api/ answers through `answer`. */
async function fakeGateway(
  weights: Record<string, number>,
  answer: (index: number) => { headers?: Record<string, string>; body: unknown },
  onPut?: (body: string) => { status: number; body: unknown },
): Promise<FakeServer> {
  let apiIndex = 0;
  const server = await startFakeServer((req, res) => {
    if (req.url === '/__mesh' && req.method === 'GET') {
      sendJson(res, 200, meshState(weights));
      return;
    }
    if (req.url === '/__mesh' && req.method === 'PUT') {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        const reply = onPut?.(body) ?? { status: 200, body: {} };
        sendJson(res, reply.status, reply.body);
      });
      return;
    }
    const { headers, body } = answer(apiIndex++);
    sendJson(res, 200, body, headers);
  });
  servers.push(server);
  return server;
}

describe('traffic CLI against stand-ins', () => {
  it('counts answers without a version as unknown (never as v1) and exits 2', async () => {
    const gateway = await fakeGateway({ v1: 50, v2: 50 }, (i) =>
      i % 3 === 0
        ? { headers: { 'x-backend-version': 'v1' }, body: { service: 'movie-backend' } }
        : i % 3 === 1
          ? { body: { service: 'movie-backend', version: 'v2' } }
          : { body: { service: 'movie-backend', catalogue: 'bollywood', message: 'Bollywood movies' } },
    );
    const result = await runCli([
      'test',
      '60',
      '--json',
      '--url',
      gateway.url,
      '--header',
      'x-user-type:premium',
    ]);
    const report = parseTestReport(result);
    expect(result.code).toBe(2);
    expect(report).toMatchObject({ counts: { v1: 20, v2: 20 }, unknown: 20, verdict: 'errors' });
    expect(report.percentages.unknown).toBeCloseTo(33.33, 1);
    const api = gateway.requests.filter((r) => r.url === '/api/');
    expect(api).toHaveLength(60);
    expect(api.every((r) => r.headers['x-user-type'] === 'premium')).toBe(true);
    // Keep-alive: 60 requests over at most 10 connections (the default concurrency), not one each.
    expect(new Set(api.map((r) => r.remotePort)).size).toBeLessThanOrEqual(10);
  }, 60_000);

  it('exits 1 when the traffic contradicts the configured weights, with the mismatch in the report', async () => {
    const gateway = await fakeGateway({ v1: 80, v2: 20 }, (i) => ({
      headers: { 'x-backend-version': i % 2 === 0 ? 'v1' : 'v2' },
      body: {},
    }));
    const result = await runCli(['test', '400', '--url', gateway.url]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /χ² = 225\.00, df = 1: p = .* < α = 0\.001: the observed split does not match/,
    );
    expect(result.stdout).toContain('Result: FAIL: the split does not match the configured weights (exit 1)');
  }, 60_000);

  it('exits 2 with a hint when the target is down', async () => {
    const gone = await startFakeServer(() => undefined);
    await gone.close();
    const result = await runCli(['test', '10', '--url', gone.url]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`cannot reach ${gone.url} (ECONNREFUSED)`);
    expect(result.stderr).toContain('pnpm dev');
  }, 60_000);

  it('reports a gateway refusal of set as a usage error with its message', async () => {
    const puts: string[] = [];
    const gateway = await fakeGateway(
      { v1: 50, v2: 50 },
      () => ({ body: {} }),
      (body) => {
        puts.push(body);
        return {
          status: 400,
          body: { error: { code: 'bad_request', message: 'no upstream for subset v2' } },
        };
      },
    );
    const result = await runCli(['set', '70', '30'], {
      env: { GATEWAY_URL: gateway.url.replace('http://', '') },
    });
    expect(result.code).toBe(64);
    expect(result.stderr).toContain('the gateway refused the change (HTTP 400): no upstream for subset v2');
    expect(puts).toEqual(['{"weights":{"v1":70,"v2":30}}']);
  }, 60_000);

  it('sends nothing for invalid weights, and names unknown options', async () => {
    const gateway = await fakeGateway({ v1: 50, v2: 50 }, () => ({ body: {} }));
    const bad = await runCli(['set', '105', '-5', '--url', gateway.url]);
    expect(bad.code).toBe(64);
    expect(bad.stderr).toContain('weight for v1 must be a whole number from 0 to 100, got "105"');
    expect(gateway.requests).toEqual([]);
    const flag = await runCli(['test', '--concurency', '5', '--url', gateway.url], { viaScript: true });
    expect(flag.code).toBe(64);
    expect(flag.stderr).toContain('unknown option --concurency for `test`');
    expect(flag.stderr).toContain('pnpm traffic test --help');
    const help = await runCli(['--help'], { viaScript: true });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: pnpm traffic <command>');
    expect(gateway.requests).toEqual([]);
  }, 60_000);

  it('--visitors catches a routing that is not sticky: visitors switch mid-visit, exit 1', async () => {
    // Alternating versions and no cookie: what a gateway without the sticky-sessions rules does to a visitor.
    const gateway = await fakeGateway({ v1: 50, v2: 50 }, (i) => ({
      headers: { 'x-backend-version': i % 2 === 0 ? 'v1' : 'v2' },
      body: {},
    }));
    const result = await runCli([
      'test',
      '--visitors',
      '20',
      '--per-visitor',
      '3',
      '--concurrency',
      '1',
      '--json',
      '--url',
      gateway.url,
    ]);
    const report = parseJson<VisitorsReport>(result);
    expect(result.code).toBe(1);
    expect(report).toMatchObject({
      visitors: 20,
      requestsPerVisitor: 3,
      requests: 60,
      switched: 20,
      unpinned: 20,
      verdict: 'switched',
      exitCode: 1,
    });
    const text = await runCli([
      'test',
      '--visitors',
      '4',
      '--per-visitor',
      '2',
      '--concurrency',
      '1',
      '--url',
      gateway.url,
    ]);
    expect(text.stdout).toContain('4 of 4 visitors switched version mid-visit');
    expect(text.stdout).toContain('4 visitors were never given a movie-version cookie');
    expect(text.stdout).toContain('Result: FAIL: visitors switched version mid-visit (exit 1)');
  }, 60_000);

  it('--visitors sends each visitor its own cookies back, and only its own', async () => {
    let visitor = 0;
    const gateway = await fakeGateway({ v1: 50, v2: 50 }, (i) => {
      // Every third request (a visitor's first, at concurrency 1) hands out a fresh visitor cookie.
      const fresh: Record<string, string> =
        i % 3 === 0 ? { 'set-cookie': `movie-version=v${(visitor++ % 2) + 1}; Path=/` } : {};
      return { headers: { 'x-backend-version': 'v1', ...fresh }, body: {} };
    });
    await runCli([
      'test',
      '--visitors',
      '4',
      '--per-visitor',
      '3',
      '--concurrency',
      '1',
      '--url',
      gateway.url,
    ]);
    const cookies = gateway.requests.filter((r) => r.url === '/api/').map((r) => r.headers.cookie ?? '-');
    expect(cookies).toEqual([
      ...['-', 'movie-version=v1', 'movie-version=v1'],
      ...['-', 'movie-version=v2', 'movie-version=v2'],
      ...['-', 'movie-version=v1', 'movie-version=v1'],
      ...['-', 'movie-version=v2', 'movie-version=v2'],
    ]);
  }, 60_000);
});
