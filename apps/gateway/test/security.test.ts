/**
 * Only the person at the keyboard changes the routing: the Host allow-list on every path (a DNS-rebinding page
 * sends its own name as Host), PUT /__mesh only as JSON, no CORS grant, and the admin token on a bind beyond
 * loopback. Real gateways on loopback (one bound to 0.0.0.0, reached through 127.0.0.1) and real upstreams.
 */
import { request } from 'node:http';
import { connect } from 'node:net';
import { errorAnswerSchema } from '@movies/contracts/api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isLoopbackBind } from '../src/admin-auth.js';
import { type Gateway, type GatewayOptions, startGateway } from '../src/gateway.js';
import {
  frontend,
  putMesh,
  type RecordingUpstream,
  startRecordingUpstream,
  v1,
  v2,
  virtualService,
} from './helpers.js';

let upstreamApi: RecordingUpstream;
let upstreamUi: RecordingUpstream;
const gateways: Gateway[] = [];

beforeAll(async () => {
  [upstreamApi, upstreamUi] = await Promise.all([
    startRecordingUpstream('api'),
    startRecordingUpstream('ui'),
  ]);
});
afterAll(async () => {
  await Promise.all([upstreamApi.close(), upstreamUi.close()]);
});
afterEach(async () => {
  await Promise.all(gateways.splice(0).map((gateway) => gateway.close()));
  upstreamApi.requests.length = 0;
  upstreamUi.requests.length = 0;
});

async function gatewayWith(options: GatewayOptions = {}): Promise<Gateway> {
  const gateway = await startGateway({
    port: 0,
    accessLog: false,
    virtualServices: [
      virtualService('movie-backend', [
        {
          name: 'api',
          match: [{ uri: { prefix: '/api/' } }],
          rewrite: { uri: '/' },
          route: [
            { ...v1, weight: 80 },
            { ...v2, weight: 20 },
          ],
        },
        { name: 'ui', route: [frontend] },
      ]),
    ],
    upstreams: {
      'movie-backend/v1': upstreamApi.url,
      'movie-backend/v2': upstreamApi.url,
      'movie-frontend': upstreamUi.url,
    },
    ...options,
  });
  gateways.push(gateway);
  return gateway;
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request through node:http, which (unlike fetch) sends the Host header it is given, as a rebound page does. */
function send(
  port: number,
  options: { method?: string; path?: string; headers?: Record<string, string>; body?: string },
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path ?? '/',
        headers: options.headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const switchTo100 = JSON.stringify({ weights: { v1: 0, v2: 100 } });

describe('Host allow-list (DNS rebinding)', () => {
  const requests = [
    { method: 'GET', path: '/__mesh' },
    { method: 'PUT', path: '/__mesh', headers: { 'content-type': 'application/json' }, body: switchTo100 },
    { method: 'GET', path: '/api/movies' },
    { method: 'POST', path: '/api/movies', headers: { 'content-type': 'text/plain' }, body: 'x' },
    { method: 'GET', path: '/' },
    { method: 'GET', path: '/src/main.tsx' },
  ];

  it.each(requests)(
    'refuses a foreign Host on $method $path with 403 naming GATEWAY_ALLOWED_HOSTS',
    async (r) => {
      const gateway = await gatewayWith();
      const reply = await send(gateway.port, {
        ...r,
        headers: { ...r.headers, host: `evil.example:${gateway.port}` },
      });
      expect(reply.status).toBe(403);
      // /__mesh answers its JSON error answer, every other path plain text, as Vite does.
      const message =
        r.path === '/__mesh' ? errorAnswerSchema.parse(JSON.parse(reply.body)).error.message : reply.body;
      expect(message).toContain('This host ("evil.example") is not allowed');
      expect(message).toContain('GATEWAY_ALLOWED_HOSTS=evil.example');
      // Nothing reached an upstream, and the routing did not move.
      expect([...upstreamApi.requests, ...upstreamUi.requests]).toEqual([]);
      expect(gateway.state().weights).toEqual({ v1: 80, v2: 20 });
    },
  );

  it('refuses a foreign Host on a websocket upgrade (the dev server’s hot reload) before it reaches the UI', async () => {
    const gateway = await gatewayWith();
    const socket = connect(gateway.port, '127.0.0.1');
    const received: string[] = [];
    socket.on('data', (data: Buffer) => received.push(data.toString()));
    socket.write(
      'GET /?token=hmr HTTP/1.1\r\nhost: evil.example\r\nconnection: Upgrade\r\nupgrade: websocket\r\n' +
        'sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\nsec-websocket-version: 13\r\n\r\n',
    );
    await expect.poll(() => received.join('')).toContain('GATEWAY_ALLOWED_HOSTS');
    expect(received.join('')).toMatch(/^HTTP\/1\.1 403 Forbidden\r\n/);
    socket.destroy();
    expect(upstreamUi.requests).toEqual([]);
  });

  it('answers what a person here sends: localhost, *.localhost, IP addresses and the allowed names', async () => {
    const gateway = await gatewayWith({ allowedHosts: ['mybox.lan', '.example.test'] });
    const port = gateway.port;
    for (const host of [
      `localhost:${port}`,
      `app.localhost:${port}`,
      `127.0.0.1:${port}`,
      `[::1]:${port}`,
      `192.168.1.20:${port}`,
      `mybox.lan:${port}`,
      'example.test',
      `ui.example.test:${port}`,
    ]) {
      const reply = await send(port, { path: '/__mesh', headers: { host } });
      expect(reply.status, host).toBe(200);
    }
    for (const host of ['mybox.lan.evil.example', 'notexample.test', `evil.example:${port}`]) {
      const reply = await send(port, { path: '/api/movies', headers: { host } });
      expect(reply.status, host).toBe(403);
    }
    expect(upstreamApi.requests).toEqual([]);
  });

  it('allows any Host only when told to (allowedHosts: true)', async () => {
    const gateway = await gatewayWith({ allowedHosts: true });
    const reply = await send(gateway.port, { path: '/api/movies', headers: { host: 'evil.example' } });
    expect(reply.status).toBe(200);
  });
});

describe('PUT /__mesh content type and CORS', () => {
  it.each([
    ['text/plain', 'text/plain;charset=UTF-8'],
    ['a form', 'application/x-www-form-urlencoded'],
    ['no content type', undefined],
  ])('refuses %s with 415 and keeps the routing', async (_what, type) => {
    const gateway = await gatewayWith();
    const reply = await send(gateway.port, {
      method: 'PUT',
      path: '/__mesh',
      headers: type ? { 'content-type': type } : {},
      body: switchTo100,
    });
    expect(reply.status).toBe(415);
    const { error } = errorAnswerSchema.parse(JSON.parse(reply.body));
    expect(error.code).toBe('unsupported_media_type');
    expect(error.message).toContain('PUT /__mesh takes content-type: application/json');
    expect(gateway.state().weights).toEqual({ v1: 80, v2: 20 });
  });

  it('takes application/json with parameters', async () => {
    const gateway = await gatewayWith();
    const put = await putMesh(gateway.url, switchTo100, {
      'content-type': 'Application/JSON; charset=utf-8',
    });
    expect(put.status).toBe(200);
    await put.text();
    expect(gateway.state().weights).toEqual({ v1: 0, v2: 100 });
  });

  it('grants no cross-origin read or preflight', async () => {
    const gateway = await gatewayWith();
    const origin = 'http://evil.example';
    const read = await send(gateway.port, { path: '/__mesh', headers: { origin } });
    expect(read.status).toBe(200);
    const preflight = await send(gateway.port, {
      method: 'OPTIONS',
      path: '/__mesh',
      headers: {
        origin,
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'content-type',
      },
    });
    for (const reply of [read, preflight]) {
      expect(Object.keys(reply.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
    }
    expect(preflight.status).toBe(405);
  });
});

describe('admin token', () => {
  it('bound to 0.0.0.0: a change without the token is 401, with it 200; reading stays open', async () => {
    const gateway = await gatewayWith({ host: '0.0.0.0' });
    const token = gateway.token as string;
    expect(token).toMatch(/^[0-9a-f]{48}$/);
    const url = `http://127.0.0.1:${gateway.port}`;

    // No token, a wrong one, the right one without its scheme.
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer wrong-token-0123456789' },
      { authorization: token },
    ];
    for (const headers of attempts) {
      const refused = await putMesh(url, switchTo100, headers);
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="/__mesh"');
      const { error } = errorAnswerSchema.parse(await refused.json());
      expect(error).toMatchObject({ code: 'unauthorized' });
      expect(error.message).toContain('GATEWAY_TOKEN');
    }
    // The token is checked before the content type: a stranger learns nothing about what would be accepted.
    const plain = await send(gateway.port, {
      method: 'PUT',
      path: '/__mesh',
      headers: { 'content-type': 'text/plain' },
    });
    expect(plain.status).toBe(401);
    expect(gateway.state().weights).toEqual({ v1: 80, v2: 20 });

    const read = await fetch(`${url}/__mesh`);
    expect(read.status).toBe(200);
    await read.text();

    const accepted = await putMesh(url, switchTo100, { authorization: `Bearer ${token}` });
    expect(accepted.status).toBe(200);
    await accepted.text();
    expect(gateway.state().weights).toEqual({ v1: 0, v2: 100 });
  });

  it('on loopback needs none, unless one is given', async () => {
    const open = await gatewayWith({ host: '127.0.0.1' });
    expect(open.token).toBeUndefined();
    const put = await putMesh(open.url, switchTo100);
    expect(put.status).toBe(200);
    await put.text();

    const given = await gatewayWith({ host: '127.0.0.1', token: 'a-token-chosen-by-me' });
    expect(given.token).toBe('a-token-chosen-by-me');
    const without = await putMesh(given.url, switchTo100);
    expect(without.status).toBe(401);
    await without.text();
    const withIt = await putMesh(given.url, switchTo100, { authorization: 'bearer a-token-chosen-by-me' });
    expect(withIt.status).toBe(200);
    await withIt.text();
  });

  it.each([
    ['127.0.0.1', true],
    ['127.0.0.2', true],
    ['localhost', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['0.0.0.0', false],
    ['::', false],
    ['192.168.1.20', false],
    ['mybox.lan', false],
  ])('counts %s as loopback: %s', (host, loopback) => {
    expect(isLoopbackBind(host)).toBe(loopback);
  });
});
