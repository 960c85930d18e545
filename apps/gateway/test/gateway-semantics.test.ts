/**
 * VirtualService semantics through the real gateway, with recording upstream servers standing in for the
 * subsets (so the test sees exactly what reached each one). The overlays themselves, with the real backend, are
 * covered by overlays.test.ts.
 */
import { connect } from 'node:net';
import type { MeshState } from '@movies/contracts/mesh-state';
import { freePort } from '@movies/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { accessLogPattern } from '../src/access-log.js';
import { type Gateway, startGateway } from '../src/gateway.js';
import {
  frontend,
  putMesh,
  type RecordingUpstream,
  sendMany,
  startRecordingUpstream,
  v1,
  v2,
  virtualService,
} from './helpers.js';

let upstreamV1: RecordingUpstream;
let upstreamV2: RecordingUpstream;
let upstreamUi: RecordingUpstream;
let closedPort: number;
const gateways: Gateway[] = [];

beforeAll(async () => {
  [upstreamV1, upstreamV2, upstreamUi] = await Promise.all([
    startRecordingUpstream('v1'),
    startRecordingUpstream('v2'),
    startRecordingUpstream('ui'),
  ]);
  closedPort = await freePort();
});

afterAll(async () => {
  await Promise.all([upstreamV1.close(), upstreamV2.close(), upstreamUi.close()]);
});

afterEach(async () => {
  await Promise.all(gateways.splice(0).map((gateway) => gateway.close()));
  for (const upstream of [upstreamV1, upstreamV2, upstreamUi]) upstream.requests.length = 0;
});

async function gatewayFor(
  http: unknown[],
  options: { accessLog?: (line: string) => void; v2Down?: boolean } = {},
) {
  const gateway = await startGateway({
    port: 0,
    virtualServices: [virtualService('movie-backend', http)],
    upstreams: {
      'movie-backend/v1': upstreamV1.url,
      'movie-backend/v2': options.v2Down ? `http://127.0.0.1:${closedPort}` : upstreamV2.url,
      'movie-frontend': upstreamUi.url,
    },
    accessLog: options.accessLog ?? false,
  });
  gateways.push(gateway);
  return gateway;
}

const apiSplit = (weights: [number, number]) => ({
  name: 'weighted-split',
  match: [{ uri: { prefix: '/api/' } }],
  rewrite: { uri: '/' },
  route: [
    { ...v1, weight: weights[0] },
    { ...v2, weight: weights[1] },
  ],
});

describe('matching and rewriting', () => {
  it('rewrites the /api/ prefix, keeps the query, and answers 404 when no rule matches', async () => {
    const gateway = await gatewayFor([apiSplit([100, 0])]);
    const routed = await fetch(`${gateway.url}/api/movies?page=2&q=dil`);
    expect(routed.status).toBe(200);
    expect(routed.headers.get('x-mesh-subset')).toBe('v1');
    expect(upstreamV1.requests[0]?.url).toBe('/movies?page=2&q=dil');
    expect(upstreamV1.requests[0]?.headers['x-envoy-original-path']).toBe('/api/movies?page=2&q=dil');

    const unrouted = await fetch(`${gateway.url}/apix`);
    expect(unrouted.status).toBe(404);
    await unrouted.text();
    expect(gateway.state().stats.unrouted).toBe(1);
  });

  it('ANDs the conditions of one match block and ORs the blocks', async () => {
    const gateway = await gatewayFor([
      {
        name: 'premium',
        match: [
          { uri: { prefix: '/api/' }, headers: { 'x-user-type': { exact: 'premium' } } },
          { uri: { prefix: '/api/' }, headers: { 'x-beta': { regex: 'yes|true' } } },
        ],
        rewrite: { uri: '/' },
        route: [v2],
      },
      apiSplit([100, 0]),
      { name: 'ui', route: [frontend] },
    ]);
    const versionOf = async (path: string, headers: Record<string, string> = {}) => {
      const response = await fetch(`${gateway.url}${path}`, { headers });
      await response.text();
      return response.headers.get('x-mesh-subset');
    };
    expect(await versionOf('/api/', { 'x-user-type': 'premium' })).toBe('v2');
    expect(await versionOf('/api/', { 'x-beta': 'true' })).toBe('v2');
    // Header alone (no /api/ prefix) does not satisfy the block: the AND holds.
    expect(await versionOf('/home', { 'x-user-type': 'premium' })).toBe('movie-frontend');
    expect(await versionOf('/api/', { 'x-user-type': 'standard' })).toBe('v1');
    expect(await versionOf('/api/', { 'x-beta': 'truthy' })).toBe('v1');
    expect(upstreamUi.requests.map((r) => r.url)).toEqual(['/home']);
  });

  it('applies request and response header operations, and forwards request ids and bodies', async () => {
    const gateway = await gatewayFor([
      {
        ...apiSplit([100, 0]),
        headers: {
          request: { set: { 'x-from-gateway': 'yes' }, remove: ['x-secret'] },
          response: { add: { 'x-route': 'split' } },
        },
      },
    ]);
    const response = await fetch(`${gateway.url}/api/echo`, {
      method: 'POST',
      headers: { 'x-secret': 's', 'content-type': 'text/plain', 'x-request-id': 'abc-123' },
      body: 'hello',
    });
    expect(response.headers.get('x-route')).toBe('split');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    await response.text();
    const seen = upstreamV1.requests[0];
    expect(seen?.body).toBe('hello');
    expect(seen?.headers['x-from-gateway']).toBe('yes');
    expect(seen?.headers['x-secret']).toBeUndefined();
    expect(seen?.headers['x-request-id']).toBe('abc-123');
    expect(seen?.headers['x-forwarded-for']).toBe('127.0.0.1');

    await (await fetch(`${gateway.url}/api/`)).text();
    expect(upstreamV1.requests[1]?.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('faults, mirroring, timeouts and retries', () => {
  it('aborts with the configured status and Envoy’s body, and delays by the fixed delay', async () => {
    const gateway = await gatewayFor([
      { ...apiSplit([100, 0]), fault: { abort: { httpStatus: 418, percentage: { value: 100 } } } },
    ]);
    const aborted = await fetch(`${gateway.url}/api/`);
    expect(aborted.status).toBe(418);
    expect(await aborted.text()).toBe('fault filter abort');
    expect(upstreamV1.requests).toHaveLength(0);
    await gateway.close();

    const delayed = await gatewayFor([{ ...apiSplit([100, 0]), fault: { delay: { fixedDelay: '300ms' } } }]);
    const started = performance.now();
    const response = await fetch(`${delayed.url}/api/`);
    await response.text();
    expect(response.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(295);
    expect(delayed.state().stats.delayed).toBe(1);
  });

  it('mirrors a copy, body included, to the mirror subset with a -shadow host, and never answers from it', async () => {
    const gateway = await gatewayFor([
      { ...apiSplit([100, 0]), mirror: v2.destination, mirrorPercentage: { value: 100 } },
    ]);
    const response = await fetch(`${gateway.url}/api/movies`, { method: 'POST', body: 'copy me' });
    expect(response.headers.get('x-backend-version')).toBe('v1');
    await response.text();
    await expect.poll(() => upstreamV2.requests.length).toBe(1);
    const host = new URL(gateway.url).host;
    expect(upstreamV1.requests[0]?.headers.host).toBe(host);
    expect(upstreamV2.requests[0]?.headers.host).toBe(host.replace(/:(\d+)$/, '-shadow:$1'));
    expect(upstreamV2.requests[0]?.url).toBe('/movies');
    expect(upstreamV2.requests[0]?.body).toBe('copy me');
  });

  it('answers 504 "upstream request timeout" when the route timeout passes', async () => {
    const gateway = await gatewayFor([
      {
        match: [{ uri: { prefix: '/slow/' } }],
        rewrite: { uri: '/sleep/' },
        timeout: '200ms',
        retries: { attempts: 0 },
        route: [v1],
      },
    ]);
    const response = await fetch(`${gateway.url}/slow/2000`);
    expect(response.status).toBe(504);
    expect(await response.text()).toBe('upstream request timeout');
  });

  it('retries a 5xx for idempotent requests as `retries` says, and not for POST', async () => {
    const gateway = await gatewayFor([
      {
        match: [{ uri: { prefix: '/' } }],
        retries: { attempts: 2, retryOn: '5xx' },
        route: [v1],
      },
    ]);
    const get = await fetch(`${gateway.url}/status/500`);
    expect(get.status).toBe(500);
    await get.text();
    expect(upstreamV1.requests).toHaveLength(3);
    const post = await fetch(`${gateway.url}/status/500`, { method: 'POST' });
    await post.text();
    expect(upstreamV1.requests).toHaveLength(4);
  });

  it('answers 503 "no healthy upstream" when the chosen upstream refuses connections', async () => {
    const gateway = await gatewayFor([apiSplit([0, 100])], { v2Down: true });
    const response = await fetch(`${gateway.url}/api/`);
    expect(response.status).toBe(503);
    expect(await response.text()).toBe('no healthy upstream');
  });
});

describe('GET and PUT /__mesh', () => {
  it('reports the split, rules and counts, and switches weights live', async () => {
    const gateway = await gatewayFor([apiSplit([80, 20])]);
    const state = (await (await fetch(`${gateway.url}/__mesh`)).json()) as MeshState;
    expect(state).toMatchObject({ source: 'custom', weights: { v1: 80, v2: 20 }, counts: { v1: 0, v2: 0 } });
    expect(state.rules[0]).toMatchObject({ name: 'weighted-split', match: ['uri prefix /api/'] });

    const put = await putMesh(gateway.url, { weights: { v1: 0, v2: 100 } });
    expect(put.status).toBe(200);
    expect(((await put.json()) as MeshState).weights).toEqual({ v1: 0, v2: 100 });
    const answers = await sendMany(gateway.url, 20, { concurrency: 4 });
    expect(new Set(answers.map((a) => a.version))).toEqual(new Set(['v2']));
    expect(gateway.state().counts).toEqual({ v1: 0, v2: 20 });
  });

  it.each([
    [{ weights: { v1: 80, v2: 30 } }, 'weights must sum to 100, got 110'],
    [{ weights: { v1: 50.5, v2: 49.5 } }, 'must be a whole number from 0 to 100'],
    [{ weights: { v1: 50, v3: 50 } }, 'unknown subset "v3" (known: v1, v2)'],
    [{ weights: {} }, 'no weights given'],
    [{ overlay: 'no-such-overlay' }, 'unknown overlay "no-such-overlay"'],
    [{ overlay: '../../etc' }, 'unknown overlay'],
    [{ weight: { v1: 100 } }, 'send {"overlay"'],
    ['not json', 'body is not JSON'],
  ])('refuses %j with 400 and a clear message', async (body, message) => {
    const gateway = await gatewayFor([apiSplit([80, 20])]);
    const response = await putMesh(gateway.url, body);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain(message);
    expect(gateway.state().weights).toEqual({ v1: 80, v2: 20 });
  });

  it('answers 405 for other methods', async () => {
    const gateway = await gatewayFor([apiSplit([80, 20])]);
    const response = await fetch(`${gateway.url}/__mesh`, { method: 'DELETE' });
    expect(response.status).toBe(405);
    await response.text();
  });
});

describe('access log and upgrades', () => {
  it('writes one line per request: method, path, destination, status, latency and flags', async () => {
    const lines: string[] = [];
    const gateway = await gatewayFor(
      [{ ...apiSplit([100, 0]), fault: { abort: { httpStatus: 503, percentage: { value: 0 } } } }],
      { accessLog: (line) => lines.push(line) },
    );
    await (await fetch(`${gateway.url}/api/movies?page=1`)).text();
    await (await fetch(`${gateway.url}/nothing-here`)).text();
    await expect.poll(() => lines.length).toBe(2);
    const [routed, unrouted] = lines.map((line) => accessLogPattern.exec(line)?.groups);
    expect(routed).toMatchObject({
      method: 'GET',
      path: '/api/movies?page=1',
      destination: 'v1',
      status: '200',
    });
    expect(unrouted).toMatchObject({ path: '/nothing-here', destination: '-', status: '404', flags: 'NR' });
  });

  it('forwards a WebSocket upgrade to the routed upstream and relays both ways', async () => {
    const gateway = await gatewayFor([apiSplit([100, 0]), { name: 'ui', route: [frontend] }]);
    const socket = connect(gateway.port, '127.0.0.1');
    const received: string[] = [];
    socket.on('data', (data: Buffer) => received.push(data.toString()));
    socket.write(
      'GET /?token=hmr HTTP/1.1\r\nhost: localhost\r\nconnection: Upgrade\r\nupgrade: websocket\r\n' +
        'sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\nsec-websocket-version: 13\r\n\r\n',
    );
    await expect.poll(() => received.join('')).toContain('101 Switching Protocols');
    socket.write('ping');
    await expect.poll(() => received.join('')).toContain('ui:ping');
    socket.destroy();
    expect(upstreamUi.requests[0]?.url).toBe('/?token=hmr');
  });
});
