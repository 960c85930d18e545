/**
 * One routed request, as Envoy handles it for the chosen overlay's VirtualServices: match a rule (else 404 NR),
 * pick the weighted destination, apply the fault filter (delay, abort), mirror, then forward through the attempt
 * loop (./attempts.ts) and answer the outcome (./outcomes.ts). Every request is counted once per subset in the
 * traffic counters and written to the access log when it ends.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  chooseDestination,
  decideFault,
  destinationKey,
  type FaultDecision,
  type HttpRoute,
  matchRequest,
  parseDuration,
  type RouteDecision,
  type RouteDestination,
  rewritePath,
  shouldMirror,
} from '@movies/mesh';
import { type AccessLogSink, formatAccessLog } from './access-log.js';
import { forwardWithRetries } from './attempts.js';
import { requestIdOf, responseHeaders, upstreamRequestHeaders } from './forwarding.js';
import { hasBody, readBody, sendText } from './http-io.js';
import { mirror } from './mirror.js';
import { failureAnswers, failureFlags, type Outcome } from './outcomes.js';
import type { UpstreamPools } from './pools.js';
import { isIdempotent, retryPolicyOf } from './retry-policy.js';
import type { RoutingTable } from './routing-table.js';
import { type TrafficCounters, UNROUTED } from './traffic-counters.js';
import { type UpstreamMap, upstreamFor } from './upstreams.js';

const MAX_MIRRORED_BODY = 10 * 1024 * 1024;

export interface RouteContext {
  table(): RoutingTable;
  upstreams: UpstreamMap;
  random: () => number;
  pools: UpstreamPools;
  traffic: TrafficCounters;
  log: AccessLogSink | undefined;
}

interface LogFields {
  destination: string | undefined;
  flags: string[];
}

/** The traffic counter a request belongs to (learnt as soon as it is known), and whether it was counted. */
interface Counted {
  key?: string;
  recorded?: boolean;
}

/**
 * Counts an answer once, when its status is decided and before a byte of it leaves, so a client that has its
 * answer always finds it in GET /__mesh.
 */
function countAnswer(traffic: TrafficCounters, counted: Counted, status: number): void {
  if (counted.recorded || counted.key === undefined) return;
  counted.recorded = true;
  traffic.record(counted.key, status);
}

/** One request on its way, once its rule and destination are picked. */
interface Routed {
  context: RouteContext;
  req: IncomingMessage;
  res: ServerResponse;
  counted: Counted;
  table: RoutingTable;
  decision: RouteDecision;
  rule: HttpRoute;
  destination: RouteDestination;
  key: string;
}

/**
 * The gateway's own answers once a destination is picked carry the response header operations, as Envoy's
 * router adds them to its local replies (the fault filter's abort comes earlier and gets none).
 */
function reply(routed: Routed, status: number, text: string): void {
  countAnswer(routed.context.traffic, routed.counted, status);
  sendText(
    routed.res,
    status,
    text,
    responseHeaders({ 'content-type': 'text/plain' }, routed.rule, routed.destination),
  );
}

const isFault = (fault: FaultDecision) => fault.delayMs > 0 || fault.abortStatus !== undefined;

/** The fault filter: a delay (the client may leave meanwhile), then maybe an abort. Undefined lets it through. */
async function applyFault(
  routed: Routed,
  fault: FaultDecision,
  flags: string[],
): Promise<LogFields | undefined> {
  const { context, table, res } = routed;
  if (fault.delayMs > 0) {
    table.stats.delayed++;
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
  if (fault.abortStatus === undefined) return undefined;
  table.stats.aborted++;
  countAnswer(context.traffic, routed.counted, fault.abortStatus);
  sendText(res, fault.abortStatus, 'fault filter abort');
  return { destination: undefined, flags: [...flags, 'FI'] };
}

function answerOutcome(routed: Routed, outcome: Outcome, flags: string[]): LogFields {
  const { key } = routed;
  if (outcome.kind === 'answered') return { destination: key, flags };
  if (outcome.kind === 'cut')
    return { destination: key, flags: outcome.flag ? [...flags, outcome.flag] : flags };
  const answer = failureAnswers[outcome.kind];
  reply(routed, answer.status, answer.text(outcome.error));
  return { destination: key, flags: [...flags, ...failureFlags(outcome.kind, outcome.retried)] };
}

/** Forwards the request (mirroring it first when the rule says so) and answers how that ended. */
async function forward(routed: Routed, flags: string[]): Promise<LogFields> {
  const { context, req, res, table, decision, rule, destination, key } = routed;
  table.counts[key] = (table.counts[key] ?? 0) + 1;
  const method = req.method ?? 'GET';
  const upstreamPath = rewritePath(decision, req.url ?? '/');
  const headers = upstreamRequestHeaders(req, decision, destination, upstreamPath, requestIdOf(req.headers));

  const mirroring = shouldMirror(rule, context.random);
  let body: Buffer | IncomingMessage | undefined;
  if (hasBody(req)) {
    try {
      body = mirroring ? await readBody(req, MAX_MIRRORED_BODY) : req;
    } catch (error) {
      reply(routed, 413, (error as Error).message);
      return { destination: key, flags };
    }
  }
  if (mirroring) {
    const copy = { rule, path: upstreamPath, method, headers, body: body as Buffer | undefined };
    mirror(copy, table, context.upstreams, context.pools);
  }

  const upstreamStarted = performance.now();
  const outcome = await forwardWithRetries({
    pool: context.pools.for(upstreamFor(context.upstreams, destination.destination) as string),
    path: upstreamPath,
    method,
    headers,
    body,
    policy: retryPolicyOf(rule),
    idempotent: isIdempotent(method),
    routeTimeoutMs: rule.timeout ? parseDuration(rule.timeout) : 0,
    res,
    answer: (statusCode, upstreamHeaders) => {
      countAnswer(context.traffic, routed.counted, statusCode);
      res.writeHead(
        statusCode,
        responseHeaders(upstreamHeaders, rule, destination, {
          'x-mesh-subset': key,
          'x-envoy-upstream-service-time': String(Math.round(performance.now() - upstreamStarted)),
        }),
      );
      return res;
    },
  });
  return answerOutcome(routed, outcome, flags);
}

/** `counted` learns which traffic counter the request belongs to as soon as that is known. */
async function handleRoute(
  context: RouteContext,
  req: IncomingMessage,
  res: ServerResponse,
  counted: Counted,
): Promise<LogFields> {
  const table = context.table();
  const decision = matchRequest(table.virtualServices, {
    method: req.method ?? 'GET',
    path: req.url ?? '/',
    authority: req.headers.host,
    headers: req.headers,
  });
  if (!decision) {
    table.stats.unrouted++;
    counted.key = UNROUTED;
    countAnswer(context.traffic, counted, 404);
    sendText(res, 404, 'no route matched');
    return { destination: undefined, flags: ['NR'] };
  }
  const { rule } = decision;
  // Envoy picks the weighted cluster when it matches the route, before any filter (fault injection) runs.
  const destination = chooseDestination(rule, context.random);
  const key = destinationKey(destination.destination);
  counted.key = destination.destination.subset;
  const routed: Routed = { context, req, res, counted, table, decision, rule, destination, key };
  const flags: string[] = [];
  // Most requests meet no fault: they skip the filter without waiting on it.
  const fault = decideFault(rule, context.random);
  const faulted = isFault(fault) ? await applyFault(routed, fault, flags) : undefined;
  return faulted ?? forward(routed, flags);
}

/** Routes one request and, once its answer is done (or abandoned), counts it and writes its access-log line. */
export function routeRequest(context: RouteContext, req: IncomingMessage, res: ServerResponse): void {
  const started = performance.now();
  const path = req.url ?? '/';
  const counted: Counted = {};
  handleRoute(context, req, res, counted)
    .catch((error: unknown) => {
      countAnswer(context.traffic, counted, 500);
      sendText(res, 500, `gateway error: ${(error as Error).message}`);
      return { destination: undefined, flags: ['UC'] } satisfies LogFields;
    })
    .then(({ destination, flags }) => {
      const finish = () => {
        // A request abandoned before its answer still counts, with status 0.
        const status = res.headersSent ? res.statusCode : 0;
        countAnswer(context.traffic, counted, status);
        context.log?.(
          formatAccessLog({
            time: new Date(),
            method: req.method ?? '-',
            path,
            destination,
            status,
            latencyMs: performance.now() - started,
            flags: res.writableFinished || flags.includes('DC') ? flags : [...flags, 'DC'],
          }),
        );
      };
      if (res.writableFinished || res.destroyed) finish();
      else res.once('close', finish);
    });
}
