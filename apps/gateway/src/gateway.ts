/**
 * The local gateway: an HTTP server that routes every request as the chosen overlay's gateway-bound
 * VirtualServices do (through @movies/mesh, the one VirtualService module) and lets undici do the forwarding.
 * This file only makes the routing decision — match, fault, weighted destination, mirror, retries, timeout —
 * and maps its outcome to the answers Envoy gives.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  chooseDestination,
  decideFault,
  destinationKey,
  type HeaderMap,
  type HttpRoute,
  listOverlays,
  matchRequest,
  OverlayError,
  parseDuration,
  type RenderOptions,
  type RequestInfo,
  rewritePath,
  shouldMirror,
  type VirtualService,
  VirtualServiceError,
  WeightsError,
} from '@movies/mesh';
import { Pool } from 'undici';
import { z } from 'zod';
import { type AccessLogSink, formatAccessLog, stdoutSink } from './access-log.js';
import { requestIdOf, responseHeaders, upstreamRequestHeaders } from './forwarding.js';
import { backoffMs, isIdempotent, retryPolicyOf } from './retry-policy.js';
import {
  createRoutingTable,
  OverlayLoader,
  RoutingError,
  type RoutingTable,
  tableFromOverlay,
  tableWithWeights,
} from './routing-table.js';
import { TrafficCounters, type TrafficSnapshot, UNROUTED } from './traffic-counters.js';
import { resolveUpstreams, type UpstreamMap, upstreamFor } from './upstreams.js';

export interface GatewayOptions {
  /** 0 picks a free port. Default 8080. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** A directory name under k8s/overlays. Default "80-20". Ignored when virtualServices is given. */
  overlay?: string;
  /** Route by these (already parsed) VirtualServices instead of an overlay. */
  virtualServices?: readonly VirtualService[];
  /** Merged over the defaults: 'movie-backend/v1' → http://127.0.0.1:8001, 'movie-backend/v2' → :8002, 'movie-frontend' → :5173. */
  upstreams?: UpstreamMap;
  /** One line per request on stdout (true, the default), off (false), or to the given sink. */
  accessLog?: boolean | AccessLogSink;
  /** How to render overlays (kubectl, or false for the committed k8s/rendered fallback). */
  render?: RenderOptions;
  /** Render every overlay in the background after start, so a first switch to any of them is instant. */
  prerender?: boolean;
  /**
   * The random source of every routing draw (weighted destination, fault, mirror), values in [0, 1). Default
   * Math.random; tests pass @movies/mesh's seededRandom so a statistical check sees the same draws each run.
   */
  random?: () => number;
}

export interface MeshState {
  source: string;
  overlay: string | undefined;
  via: RoutingTable['via'];
  weights: Record<string, number>;
  rules: RoutingTable['rules'];
  /** Requests forwarded per destination since `countsSince` (the last switch, or start). */
  counts: Record<string, number>;
  countsSince: string;
  stats: RoutingTable['stats'];
  upstreams: UpstreamMap;
  updatedAt: string;
  /** The routing table itself, so clients can work out the split for any request (headers included). */
  virtualServices: readonly VirtualService[];
  /** Subsets a split may name (the DestinationRule's, else those with an upstream), e.g. ["v1", "v2"]. */
  subsets: string[];
  /** Live counts of all traffic through the gateway per subset (see traffic-counters.ts). */
  traffic: TrafficSnapshot;
}

export interface Gateway {
  url: string;
  port: number;
  state(): MeshState;
  /** Same as PUT /__mesh {"overlay": name}. */
  useOverlay(name: string): Promise<MeshState>;
  /** Same as PUT /__mesh {"weights": {...}}. */
  useWeights(weights: Record<string, number>): Promise<MeshState>;
  close(): Promise<void>;
}

const MESH_PATH = '/__mesh';
const MAX_MESH_BODY = 16 * 1024;
const MAX_MIRRORED_BODY = 10 * 1024 * 1024;
const CLOSE_GRACE_MS = 5000;

const meshRequestSchema = z.union([
  z.object({ overlay: z.string().min(1) }).strict(),
  z.object({ weights: z.record(z.string(), z.number()) }).strict(),
]);

const meshRequestHelp = 'send {"overlay": "<name under k8s/overlays>"} or {"weights": {"v1": 80, "v2": 20}}';

/** A sink for the answer of a try that will be retried. */
function discard(): Writable {
  return new Writable({
    write(_chunk, _encoding, callback) {
      callback();
    },
  });
}

/** Thrown to answer a client error on /__mesh with 400. */
class BadRequest extends Error {}

function toState(table: RoutingTable, upstreams: UpstreamMap, traffic: TrafficCounters): MeshState {
  return {
    source: table.source,
    overlay: table.overlay,
    via: table.via,
    weights: table.weights,
    rules: table.rules,
    counts: { ...table.counts },
    countsSince: table.updatedAt.toISOString(),
    stats: { ...table.stats },
    upstreams,
    updatedAt: table.updatedAt.toISOString(),
    virtualServices: table.virtualServices,
    subsets: table.subsets,
    traffic: traffic.snapshot(),
  };
}

function describeSplit(table: RoutingTable): string {
  const split = Object.entries(table.weights)
    .map(([subset, weight]) => `${subset} ${Number(weight.toFixed(2))} %`)
    .join(', ');
  return split || 'no /api/ route';
}

function sendText(res: ServerResponse, status: number, body: string, headers: HeaderMap = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, {
    'content-type': 'text/plain',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(body);
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BadRequest(`request body larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Envoy's shadow host: "localhost:8080" → "localhost-shadow:8080", "movies" → "movies-shadow". */
export function shadowHost(host: string): string {
  const colon = host.lastIndexOf(':');
  const isPort = colon > 0 && /^\d+$/.test(host.slice(colon + 1)) && !host.endsWith(']');
  return isPort ? `${host.slice(0, colon)}-shadow${host.slice(colon)}` : `${host}-shadow`;
}

type FailureKind = 'connect' | 'reset' | 'per-try-timeout' | 'timeout' | 'other';

function classifyError(error: unknown, reasons: { timeout: boolean; perTry: boolean }): FailureKind {
  if (reasons.timeout) return 'timeout';
  if (reasons.perTry) return 'per-try-timeout';
  const code = (error as { code?: string } | null)?.code;
  if (
    code === 'ECONNREFUSED' ||
    code === 'UND_ERR_CONNECT_TIMEOUT' ||
    code === 'ENOTFOUND' ||
    code === 'EAI_AGAIN' ||
    code === 'EHOSTUNREACH' ||
    code === 'ENETUNREACH'
  ) {
    return 'connect';
  }
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE' || code === 'UND_ERR_CLOSED') {
    return 'reset';
  }
  return 'other';
}

export async function startGateway(options: GatewayOptions = {}): Promise<Gateway> {
  const upstreams = resolveUpstreams(options.upstreams);
  const loader = new OverlayLoader(options.render);
  const log: AccessLogSink | undefined =
    options.accessLog === false
      ? undefined
      : typeof options.accessLog === 'function'
        ? options.accessLog
        : stdoutSink;

  const random = options.random ?? Math.random;
  const traffic = new TrafficCounters();
  let table: RoutingTable = options.virtualServices
    ? createRoutingTable(
        { source: 'custom', overlay: undefined, via: 'inline', virtualServices: options.virtualServices },
        upstreams,
      )
    : await tableFromOverlay(options.overlay ?? '80-20', upstreams, loader);

  const pools = new Map<string, Pool>();
  const poolFor = (origin: string): Pool => {
    let pool = pools.get(origin);
    if (!pool) {
      // connectTimeout matches the DestinationRule's; keep-alive stays under Node's 5 s server default.
      pool = new Pool(origin, { connect: { timeout: 2000 }, keepAliveTimeout: 4000, pipelining: 1 });
      pools.set(origin, pool);
    }
    return pool;
  };

  // Switches run one after another, each on the table the previous one left.
  let switching: Promise<unknown> = Promise.resolve();
  const switchTo = (next: (current: RoutingTable) => Promise<RoutingTable> | RoutingTable) => {
    const run = switching.then(async () => {
      const previous = table;
      table = await next(table);
      log?.(
        `${new Date().toISOString()} routing ${previous.source} -> ${table.source}: /api/ split ${describeSplit(table)}`,
      );
      return toState(table, upstreams, traffic);
    });
    switching = run.catch(() => undefined);
    return run;
  };
  const useOverlay = (name: string) => switchTo(() => tableFromOverlay(name, upstreams, loader));
  const useWeights = (weights: Record<string, number>) =>
    switchTo((current) => tableWithWeights(current, weights, upstreams));

  async function handleMesh(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'GET' || req.method === 'HEAD') {
      sendJson(res, 200, toState(table, upstreams, traffic), { 'access-control-allow-origin': '*' });
      return;
    }
    if (req.method !== 'PUT') {
      sendJson(
        res,
        405,
        { error: { code: 'method_not_allowed', message: `${req.method} ${MESH_PATH}: use GET or PUT` } },
        { allow: 'GET, HEAD, PUT' },
      );
      return;
    }
    try {
      const text = (await readBody(req, MAX_MESH_BODY)).toString('utf8');
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw new BadRequest(`body is not JSON: ${meshRequestHelp}`);
      }
      const parsed = meshRequestSchema.safeParse(body);
      if (!parsed.success) throw new BadRequest(`unexpected body ${text.slice(0, 200)}: ${meshRequestHelp}`);
      const state = await ('overlay' in parsed.data
        ? useOverlay(parsed.data.overlay)
        : useWeights(parsed.data.weights));
      sendJson(res, 200, state);
    } catch (error) {
      const clientError =
        error instanceof BadRequest ||
        error instanceof WeightsError ||
        error instanceof OverlayError ||
        error instanceof VirtualServiceError ||
        error instanceof RoutingError;
      sendJson(res, clientError ? 400 : 500, {
        error: { code: clientError ? 'bad_request' : 'internal', message: (error as Error).message },
      });
    }
  }

  function mirror(
    rule: HttpRoute,
    upstreamPath: string,
    method: string,
    headers: Record<string, string | string[]>,
    body: Buffer | undefined,
    current: RoutingTable,
  ): void {
    const target = rule.mirror;
    const origin = target && upstreamFor(upstreams, target);
    if (!target || !origin) return;
    current.stats.mirrored++;
    const host = typeof headers.host === 'string' ? headers.host : '';
    // Fire and forget: the copy's answer (or failure) never reaches the client, as with Envoy's shadowing.
    poolFor(origin)
      .request({
        path: upstreamPath,
        method,
        headers: { ...headers, host: shadowHost(host) },
        body,
        headersTimeout: 10_000,
        bodyTimeout: 10_000,
      })
      .then((response) => response.body.dump())
      .catch(() => undefined);
  }

  /**
   * Counts an answer once, when its status is decided and before a byte of it leaves, so a client that has its
   * answer always finds it in GET /__mesh.
   */
  const countAnswer = (counted: Counted, status: number) => {
    if (counted.recorded || counted.key === undefined) return;
    counted.recorded = true;
    traffic.record(counted.key, status);
  };

  /** `counted` learns which traffic counter the request belongs to as soon as that is known. */
  async function handleRoute(
    req: IncomingMessage,
    res: ServerResponse,
    counted: Counted,
  ): Promise<LogFields> {
    const current = table;
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const info: RequestInfo = { method, path, authority: req.headers.host, headers: req.headers };
    const decision = matchRequest(current.virtualServices, info);
    if (!decision) {
      current.stats.unrouted++;
      counted.key = UNROUTED;
      countAnswer(counted, 404);
      sendText(res, 404, 'no route matched');
      return { destination: undefined, flags: ['NR'] };
    }
    const { rule } = decision;
    const flags: string[] = [];

    // Envoy picks the weighted cluster when it matches the route, before any filter (fault injection) runs.
    const destination = chooseDestination(rule, random);
    const key = destinationKey(destination.destination);
    counted.key = destination.destination.subset;
    // The gateway's own answers once a destination is picked carry the response header operations, as Envoy's
    // router adds them to its local replies (the fault filter's abort comes earlier and gets none).
    const reply = (status: number, text: string) => {
      countAnswer(counted, status);
      sendText(res, status, text, responseHeaders({ 'content-type': 'text/plain' }, rule, destination));
    };

    const fault = decideFault(rule, random);
    if (fault.delayMs > 0) {
      current.stats.delayed++;
      flags.push('DI');
      const clientGone = new AbortController();
      const onClose = () => clientGone.abort();
      res.once('close', onClose);
      try {
        await sleep(fault.delayMs, undefined, { signal: clientGone.signal });
      } catch {
        return { destination: undefined, flags: [...flags, 'DC'] };
      } finally {
        res.off('close', onClose);
      }
    }
    if (fault.abortStatus !== undefined) {
      current.stats.aborted++;
      countAnswer(counted, fault.abortStatus);
      sendText(res, fault.abortStatus, 'fault filter abort');
      return { destination: undefined, flags: [...flags, 'FI'] };
    }

    current.counts[key] = (current.counts[key] ?? 0) + 1;
    const origin = upstreamFor(upstreams, destination.destination) as string;
    const upstreamPath = rewritePath(decision, path);
    const requestId = requestIdOf(req.headers);
    const headers = upstreamRequestHeaders(req, decision, destination, upstreamPath, requestId);

    const mirroring = shouldMirror(rule, random);
    let body: Buffer | IncomingMessage | undefined;
    if (hasBody(req)) {
      try {
        body = mirroring ? await readBody(req, MAX_MIRRORED_BODY) : req;
      } catch (error) {
        reply(413, (error as Error).message);
        return { destination: key, flags };
      }
    }
    if (mirroring) mirror(rule, upstreamPath, method, headers, body as Buffer | undefined, current);

    const policy = retryPolicyOf(rule);
    // A streamed body may be partly consumed by a failed try, so only bodyless or buffered requests retry.
    const replayable = body === undefined || Buffer.isBuffer(body);
    const idempotent = isIdempotent(method);
    const routeTimeoutMs = rule.timeout ? parseDuration(rule.timeout) : 0;
    const reasons = { timeout: false, perTry: false };
    // Abort signals only when a timeout needs them: the common path stays allocation-light. A client that goes
    // away is noticed by undici itself, which aborts the upstream request when `res` closes early.
    const timed = routeTimeoutMs > 0 || policy.perTryTimeoutMs !== undefined;
    const routeController = timed ? new AbortController() : undefined;
    const routeTimer =
      routeTimeoutMs > 0
        ? setTimeout(() => {
            reasons.timeout = true;
            routeController?.abort();
          }, routeTimeoutMs)
        : undefined;
    const upstreamStarted = performance.now();

    try {
      for (let attempt = 0; ; attempt++) {
        reasons.perTry = false;
        const tryController = timed ? new AbortController() : undefined;
        const abortTry = () => tryController?.abort();
        routeController?.signal.addEventListener('abort', abortTry, { once: true });
        const tryTimer =
          policy.perTryTimeoutMs !== undefined
            ? setTimeout(() => {
                reasons.perTry = true;
                tryController?.abort();
              }, policy.perTryTimeoutMs)
            : undefined;
        const retriesLeft = attempt < policy.attempts && replayable;
        let retryStatus: number | undefined;
        try {
          await poolFor(origin).stream(
            { path: upstreamPath, method, headers, body, signal: tryController?.signal },
            ({ statusCode, headers: upstreamHeaders }) => {
              clearTimeout(tryTimer);
              if (retriesLeft && idempotent && policy.retriableStatus(statusCode)) {
                retryStatus = statusCode;
                return discard();
              }
              countAnswer(counted, statusCode);
              res.writeHead(
                statusCode,
                responseHeaders(upstreamHeaders, rule, destination, {
                  'x-mesh-subset': key,
                  'x-envoy-upstream-service-time': String(Math.round(performance.now() - upstreamStarted)),
                }),
              );
              return res;
            },
          );
          if (retryStatus !== undefined) {
            await sleep(backoffMs(attempt + 1));
            continue;
          }
          return { destination: key, flags };
        } catch (error) {
          clearTimeout(tryTimer);
          if (res.headersSent || res.destroyed) {
            // Failed after the answer started (or the client left): all that can be done is cut the stream.
            res.destroy();
            if (reasons.timeout) return { destination: key, flags: [...flags, 'UT'] };
            return { destination: key, flags: res.writableFinished ? flags : [...flags, 'DC'] };
          }
          const kind = classifyError(error, reasons);
          if (kind === 'timeout') {
            reply(504, 'upstream request timeout');
            return { destination: key, flags: [...flags, 'UT'] };
          }
          const retriable =
            (kind === 'connect' && policy.onConnectFailure) ||
            (kind === 'reset' && (policy.onReset || (policy.onConnectFailure && idempotent))) ||
            kind === 'per-try-timeout';
          if (retriesLeft && retriable) {
            await sleep(backoffMs(attempt + 1));
            if (reasons.timeout) {
              reply(504, 'upstream request timeout');
              return { destination: key, flags: [...flags, 'UT'] };
            }
            continue;
          }
          const exhausted = attempt > 0 ? ['URX'] : [];
          if (kind === 'per-try-timeout') {
            reply(504, 'upstream request timeout');
            return { destination: key, flags: [...flags, 'UT', ...exhausted] };
          }
          if (kind === 'connect') {
            reply(503, 'no healthy upstream');
            return { destination: key, flags: [...flags, 'UH', ...exhausted] };
          }
          reply(
            503,
            `upstream connect error or disconnect/reset before headers. reset reason: ${
              kind === 'reset' ? 'connection termination' : (error as Error).message
            }`,
          );
          return { destination: key, flags: [...flags, 'UC', ...exhausted] };
        } finally {
          routeController?.signal.removeEventListener('abort', abortTry);
        }
      }
    } finally {
      clearTimeout(routeTimer);
    }
  }

  interface LogFields {
    destination: string | undefined;
    flags: string[];
  }

  interface Counted {
    key?: string;
    recorded?: boolean;
  }

  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    const started = performance.now();
    const path = req.url ?? '/';
    if (path === MESH_PATH || path.startsWith(`${MESH_PATH}?`)) {
      handleMesh(req, res).catch(() => res.destroy());
      return;
    }
    if (!path.startsWith('/')) {
      traffic.record(UNROUTED, 400);
      sendText(res, 400, 'request target must be an absolute path');
      return;
    }
    const counted: Counted = {};
    handleRoute(req, res, counted)
      .catch((error: unknown) => {
        countAnswer(counted, 500);
        sendText(res, 500, `gateway error: ${(error as Error).message}`);
        return { destination: undefined, flags: ['UC'] } satisfies LogFields;
      })
      .then(({ destination, flags }) => {
        const finish = () => {
          // A request abandoned before its answer still counts, with status 0.
          countAnswer(counted, res.headersSent ? res.statusCode : 0);
          log?.(
            formatAccessLog({
              time: new Date(),
              method: req.method ?? '-',
              path,
              destination,
              status: res.headersSent ? res.statusCode : 0,
              latencyMs: performance.now() - started,
              flags: res.writableFinished || flags.includes('DC') ? flags : [...flags, 'DC'],
            }),
          );
        };
        if (res.writableFinished || res.destroyed) finish();
        else res.once('close', finish);
      });
  });

  // A malformed request never crashes the gateway: answer 400 where the socket still can, as Node would.
  server.on('clientError', (_error, socket: Duplex) => {
    if ((socket as Socket).writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });

  const upgraded = new Set<Duplex>();
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refuse = (status: string) => {
      socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    };
    socket.on('error', () => socket.destroy());
    const path = req.url ?? '/';
    const decision = path.startsWith('/')
      ? matchRequest(table.virtualServices, {
          method: req.method ?? 'GET',
          path,
          authority: req.headers.host,
          headers: req.headers,
        })
      : undefined;
    if (!decision) return refuse('404 Not Found');
    const destination = chooseDestination(decision.rule, random);
    const origin = upstreamFor(upstreams, destination.destination) as string;
    const upstreamPath = rewritePath(decision, path);
    const headers = upstreamRequestHeaders(
      req,
      decision,
      destination,
      upstreamPath,
      requestIdOf(req.headers),
    );
    poolFor(origin)
      .upgrade({
        path: upstreamPath,
        method: req.method ?? 'GET',
        headers,
        protocol: String(req.headers.upgrade ?? 'websocket'),
      })
      .then(({ headers: answer, socket: upstream }) => {
        const lines = ['HTTP/1.1 101 Switching Protocols'];
        for (const [name, value] of Object.entries(answer)) {
          for (const v of Array.isArray(value) ? value : [value])
            if (v !== undefined) lines.push(`${name}: ${v}`);
        }
        socket.write(`${lines.join('\r\n')}\r\n\r\n`);
        if (head.length > 0) upstream.write(head);
        upgraded.add(socket);
        const cleanUp = () => {
          upgraded.delete(socket);
          socket.destroy();
          upstream.destroy();
        };
        upstream.on('error', cleanUp).on('close', cleanUp);
        socket.on('close', cleanUp);
        upstream.pipe(socket);
        socket.pipe(upstream);
      })
      .catch((error: unknown) => {
        const kind = classifyError(error, { timeout: false, perTry: false });
        refuse(kind === 'connect' ? '503 Service Unavailable' : '502 Bad Gateway');
      });
  });

  const requestedPort = options.port ?? 8080;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(requestedPort, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  if (options.prerender) void loader.prerender(listOverlays());
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      for (const socket of upgraded) socket.destroy();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // In-flight requests finish; a connection still busy after the grace period is cut.
      const grace = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
      await closed;
      clearTimeout(grace);
      await Promise.all([...pools.values()].map((pool) => pool.close().catch(() => pool.destroy())));
    })();
    return closing;
  };

  return {
    url: `http://${urlHost}:${port}`,
    port,
    state: () => toState(table, upstreams, traffic),
    useOverlay,
    useWeights,
    close,
  };
}
