/** Shared test tools: a keep-alive load client, cookie-keeping visitors, and a recording upstream server. */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import { CookieJar, parseVirtualService, type VirtualService } from '@movies/mesh';
import { Pool } from 'undici';

export interface Answer {
  status: number;
  /** x-backend-version, or "unknown" when the answer has none. */
  version: string;
  body: string;
  latencyMs: number;
  startedAt: number;
  error?: string;
}

export interface SendOptions {
  concurrency?: number;
  headers?: Record<string, string>;
  path?: string;
  /** Keep sending until this returns true (checked before each request), instead of a fixed count. */
  until?: () => boolean;
  /** Called with each answer as it arrives (for waiting on a number of answers). */
  onAnswer?: (answer: Answer) => void;
}

/**
 * PUT /__mesh as the traffic CLI sends it: a JSON body (a string is sent as it is) with content-type
 * application/json, plus any `headers` (a token, a foreign Host …).
 */
export function putMesh(
  baseUrl: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${baseUrl}/__mesh`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Sends `count` GET requests over `concurrency` keep-alive connections and records every answer. */
export async function sendMany(baseUrl: string, count: number, options: SendOptions = {}): Promise<Answer[]> {
  const concurrency = options.concurrency ?? 16;
  const pool = new Pool(baseUrl, { connections: concurrency });
  const answers: Answer[] = [];
  const record = (answer: Answer) => {
    answers.push(answer);
    options.onAnswer?.(answer);
  };
  let issued = 0;
  const worker = async () => {
    for (;;) {
      if (options.until ? options.until() : issued >= count) return;
      issued++;
      const startedAt = performance.now();
      try {
        const response = await pool.request({
          path: options.path ?? '/api/',
          method: 'GET',
          headers: options.headers,
        });
        const body = await response.body.text();
        const version = response.headers['x-backend-version'];
        record({
          status: response.statusCode,
          version: typeof version === 'string' ? version : 'unknown',
          body,
          latencyMs: performance.now() - startedAt,
          startedAt,
        });
      } catch (error) {
        record({
          status: 0,
          version: 'unknown',
          body: '',
          latencyMs: performance.now() - startedAt,
          startedAt,
          error: (error as Error).message,
        });
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    await pool.close();
  }
  return answers;
}

export function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

/** Bounds that a Binomial(n, p) count leaves with probability below 1e-4 (normal approximation, z = 4). */
export function binomialBounds(n: number, p: number, z = 4): { low: number; high: number } {
  const mean = n * p;
  const spread = z * Math.sqrt(n * p * (1 - p));
  return { low: Math.max(0, Math.floor(mean - spread)), high: Math.ceil(mean + spread) };
}

export interface Visit {
  /** Every answer of the visit, in order. */
  answers: Answer[];
}

/**
 * One visitor: `requests` GET /api/ requests one after another, keeping the cookies the gateway sets (its own
 * jar) and sending them back, as a browser does.
 */
export async function visit(baseUrl: string, requests: number, path = '/api/'): Promise<Visit> {
  const jar = new CookieJar();
  const answers: Answer[] = [];
  for (let i = 0; i < requests; i++) {
    const startedAt = performance.now();
    const cookie = jar.header();
    try {
      const response = await fetch(`${baseUrl}${path}`, { headers: cookie ? { cookie } : {} });
      jar.store(response.headers.getSetCookie());
      answers.push({
        status: response.status,
        version: response.headers.get('x-backend-version') ?? 'unknown',
        body: await response.text(),
        latencyMs: performance.now() - startedAt,
        startedAt,
      });
    } catch (error) {
      const latencyMs = performance.now() - startedAt;
      answers.push({ status: 0, version: 'unknown', body: '', latencyMs, startedAt, error: String(error) });
    }
  }
  return { answers };
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface RecordingUpstream {
  name: string;
  url: string;
  requests: RecordedRequest[];
  server: Server;
  close(): Promise<void>;
}

/**
 * A real HTTP server that records what reaches it and answers JSON naming itself. Paths steer it:
 * /status/<code> answers that status, /sleep/<ms> waits first. It also accepts WebSocket-style upgrades and
 * echoes what it receives.
 */
export async function startRecordingUpstream(name: string): Promise<RecordingUpstream> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      const status = /^\/status\/(\d{3})/.exec(req.url ?? '');
      const sleep = /^\/sleep\/(\d+)/.exec(req.url ?? '');
      const answer = () => {
        res.writeHead(status ? Number(status[1]) : 200, {
          'content-type': 'application/json',
          'x-backend-version': name,
          'set-cookie': ['a=1', 'b=2'],
        });
        res.end(JSON.stringify({ upstream: name, url: req.url }));
      };
      if (sleep) setTimeout(answer, Number(sleep[1]));
      else answer();
    });
  });
  const upgraded = new Set<Duplex>();
  server.on('upgrade', (req, socket: Duplex) => {
    upgraded.add(socket);
    socket.on('close', () => upgraded.delete(socket));
    socket.on('end', () => socket.end());
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: '' });
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\nx-upstream: ' +
        `${name}\r\n\r\n`,
    );
    socket.on('data', (data: Buffer) => socket.write(`${name}:${data.toString()}`));
    socket.on('error', () => socket.destroy());
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    requests,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of upgraded) socket.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A gateway-bound VirtualService with the given http rules, validated by @movies/mesh. */
export function virtualService(name: string, http: unknown[]): VirtualService {
  return parseVirtualService({
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name },
    spec: { hosts: ['*'], gateways: ['istio-gateway'], http },
  });
}

export const v1 = { destination: { host: 'movie-backend', subset: 'v1', port: { number: 8000 } } };
export const v2 = { destination: { host: 'movie-backend', subset: 'v2', port: { number: 8000 } } };
export const frontend = { destination: { host: 'movie-frontend', port: { number: 80 } } };
