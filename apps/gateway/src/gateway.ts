/**
 * The local gateway: an HTTP server that routes every request as the chosen overlay's gateway-bound
 * VirtualServices do (through @movies/mesh, which the traffic CLI and the analyzer read them with too) and lets
 * undici do the forwarding.
 * This file wires the parts: the routing table and its switches, the HTTP server, start and close.
 *   - route.ts: one request — match, weighted destination, fault, mirror (mirror.ts), then the attempt loop;
 *   - attempts.ts: tries, retries and timeouts, returning an outcome; outcomes.ts: outcome → status and flag;
 *   - forwarding.ts: request and response headers; mesh-admin.ts: /__mesh; upgrades.ts: websockets;
 *   - host-check.ts: the Host allow-list every request passes first; admin-auth.ts: who may change /__mesh;
 *   - request-record.ts: one record per request, read by the access log, the traffic counters and
 *     istio-metrics.ts (served on its own port by metrics-server.ts).
 */
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { allowedHostsFrom } from '@movies/contracts/gateway-access';
import type { MeshState } from '@movies/contracts/mesh-state';
import { formatSplit, listOverlays, type RenderOptions, type VirtualService } from '@movies/mesh';
import { type AccessLogSink, accessLogRecords, stdoutSink } from './access-log.js';
import { adminToken } from './admin-auth.js';
import { type AllowedHosts, hostCheck, refuseHost, refuseUpgrade } from './host-check.js';
import { sendText } from './http-io.js';
import { IstioMetrics } from './istio-metrics.js';
import { handleMesh, isMeshPath, type MeshAdmin, toState } from './mesh-admin.js';
import { type MetricsServer, startMetricsServer } from './metrics-server.js';
import { UpstreamPools } from './pools.js';
import { emitWhenDone, fanOut, startRecord } from './request-record.js';
import { type RouteContext, routeRequest } from './route.js';
import {
  createRoutingTable,
  destinationsOf,
  OverlayLoader,
  type RoutingTable,
  tableFromOverlay,
  tableWithWeights,
} from './routing-table.js';
import { TrafficCounters, UNROUTED } from './traffic-counters.js';
import { Upgrades } from './upgrades.js';
import { resolveUpstreams, type UpstreamMap } from './upstreams.js';

export { shadowHost } from './mirror.js';

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
  /**
   * Host names answered beyond localhost, *.localhost and IP addresses (Vite's server.allowedHosts syntax; true:
   * any). Default: `host` when it is a name.
   */
  allowedHosts?: AllowedHosts;
  /**
   * The admin token PUT /__mesh needs (then on loopback too). Default: none on loopback, a fresh random one on
   * any other address (see Gateway.token).
   */
  token?: string;
  /**
   * Serve Istio's standard metrics (GET /stats/prometheus) on this port (0: any free one) and host (default
   * 127.0.0.1). Default: not served (the metrics are still kept, see Gateway.metricsText).
   */
  metrics?: { port: number; host?: string };
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
  /** The token PUT /__mesh needs; undefined when none is needed (loopback, no token given). */
  token: string | undefined;
  /** The metrics endpoint's URL, when GatewayOptions.metrics asked for one. */
  metricsUrl: string | undefined;
  /** Istio's standard metrics as they are now, in Prometheus text format. */
  metricsText(): Promise<string>;
}

const CLOSE_GRACE_MS = 5000;

function describeSplit(table: RoutingTable): string {
  return formatSplit(table.weights) || 'no /api/ route';
}

function accessLogOf(option: GatewayOptions['accessLog']): AccessLogSink | undefined {
  if (option === false) return undefined;
  return typeof option === 'function' ? option : stdoutSink;
}

/** The routing table in use, and switches to another that run one after another, each on the one before. */
function tableSwitcher(
  initial: RoutingTable,
  announce: (previous: RoutingTable, next: RoutingTable) => void,
) {
  let table = initial;
  let switching: Promise<unknown> = Promise.resolve();
  const switchTo = (next: (current: RoutingTable) => Promise<RoutingTable> | RoutingTable) => {
    const run = switching.then(async () => {
      const previous = table;
      table = await next(table);
      announce(previous, table);
      return table;
    });
    switching = run.catch(() => undefined);
    return run;
  };
  return { current: () => table, switchTo };
}

export async function startGateway(options: GatewayOptions = {}): Promise<Gateway> {
  const upstreams = resolveUpstreams(options.upstreams);
  const loader = new OverlayLoader(options.render);
  const log = accessLogOf(options.accessLog);
  const traffic = new TrafficCounters();
  const initial: RoutingTable = options.virtualServices
    ? createRoutingTable(
        { source: 'custom', overlay: undefined, via: 'inline', virtualServices: options.virtualServices },
        upstreams,
      )
    : await tableFromOverlay(options.overlay ?? '80-20', upstreams, loader);
  const metrics = new IstioMetrics(() => ({ overlay: tables.current().overlay }));
  const expectTable = (table: RoutingTable) =>
    metrics.expect(destinationsOf(table.virtualServices), table.overlay);
  expectTable(initial);
  const tables = tableSwitcher(initial, (previous, table) => {
    expectTable(table);
    log?.(
      `${new Date().toISOString()} routing ${previous.source} -> ${table.source}: /api/ split ${describeSplit(table)}`,
    );
  });
  const stateOf = (table: RoutingTable) => toState(table, upstreams, traffic);
  const state = () => stateOf(tables.current());
  const admin: MeshAdmin = {
    state,
    useOverlay: (name) => tables.switchTo(() => tableFromOverlay(name, upstreams, loader)).then(stateOf),
    useWeights: (weights) =>
      tables.switchTo((current) => tableWithWeights(current, weights, upstreams)).then(stateOf),
  };
  const pools = new UpstreamPools();
  const records = fanOut(traffic.records, log && accessLogRecords(log), metrics.records);
  const context: RouteContext = {
    table: tables.current,
    upstreams,
    random: options.random ?? Math.random,
    pools,
    records,
  };
  const upgrades = new Upgrades(context);
  const host = options.host ?? '127.0.0.1';
  const hostAllowed = hostCheck(options.allowedHosts ?? allowedHostsFrom({ GATEWAY_HOST: host }));
  const token = adminToken(host, options.token);

  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    const path = req.url ?? '/';
    if (!hostAllowed(req.headers.host)) {
      refuseHost(req, res, isMeshPath(path));
    } else if (isMeshPath(path)) {
      handleMesh(admin, req, res, token).catch(() => res.destroy());
    } else if (path.startsWith('/')) {
      routeRequest(context, req, res);
    } else {
      const record = startRecord(req);
      record.counterKey = UNROUTED;
      sendText(res, 400, 'request target must be an absolute path');
      emitWhenDone(res, record, records);
    }
  });
  // A malformed request never crashes the gateway: answer 400 where the socket still can, as Node would.
  server.on('clientError', (_error, socket: Duplex) => {
    if ((socket as Socket).writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });
  server.on('upgrade', (req, socket: Duplex, head: Buffer) =>
    hostAllowed(req.headers.host) ? upgrades.handle(req, socket, head) : refuseUpgrade(req, socket),
  );

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8080, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let metricsServer: MetricsServer | undefined;
  try {
    if (options.metrics)
      metricsServer = await startMetricsServer(
        metrics,
        options.metrics.port,
        options.metrics.host ?? '127.0.0.1',
      );
  } catch (error) {
    server.close();
    await pools.close();
    throw error;
  }
  if (options.prerender) void loader.prerender(listOverlays());
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      upgrades.closeAll();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // In-flight requests finish; a connection still busy after the grace period is cut.
      const grace = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
      await closed;
      clearTimeout(grace);
      await Promise.all([pools.close(), metricsServer?.close()]);
    })();
    return closing;
  };

  return {
    url: `http://${urlHost}:${port}`,
    port,
    state,
    useOverlay: admin.useOverlay,
    useWeights: admin.useWeights,
    close,
    token,
    metricsUrl: metricsServer?.url,
    metricsText: () => metrics.text(),
  };
}
