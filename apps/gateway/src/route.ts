/**
 * One routed request, as Envoy handles it for the chosen overlay's VirtualServices: match a rule (else 404 NR),
 * pick the weighted destination, apply the fault filter (delay, abort), mirror, then forward through the attempt
 * loop (./attempts.ts) and answer the outcome (./outcomes.ts). Each request fills one record
 * (./request-record.ts), emitted once when it ends to the access log, the traffic counters and the metrics.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { PassThrough, pipeline, type Readable } from 'node:stream';
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
import { forwardWithRetries } from './attempts.js';
import { requestIdOf, responseHeaders, upstreamRequestHeaders } from './forwarding.js';
import { hasBody, readBody, sendText } from './http-io.js';
import { mirror } from './mirror.js';
import { failureAnswers, failureFlags, type Outcome } from './outcomes.js';
import type { UpstreamPools } from './pools.js';
import {
  countResponseBytes,
  emitWhenDone,
  type RecordSink,
  type RequestRecord,
  startRecord,
} from './request-record.js';
import { isIdempotent, retryPolicyOf } from './retry-policy.js';
import type { RoutingTable } from './routing-table.js';
import { UNROUTED } from './traffic-counters.js';
import { type UpstreamMap, upstreamFor } from './upstreams.js';

const MAX_MIRRORED_BODY = 10 * 1024 * 1024;

export interface RouteContext {
  table(): RoutingTable;
  upstreams: UpstreamMap;
  random: () => number;
  pools: UpstreamPools;
  /** Every ended request's record goes here (access log, traffic counters, metrics). */
  records: RecordSink;
}

/** One request on its way, once its rule and destination are picked. */
interface Routed {
  context: RouteContext;
  req: IncomingMessage;
  res: ServerResponse;
  record: RequestRecord;
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
  sendText(
    routed.res,
    status,
    text,
    responseHeaders({ 'content-type': 'text/plain' }, routed.rule, routed.destination),
  );
}

const isFault = (fault: FaultDecision) => fault.delayMs > 0 || fault.abortStatus !== undefined;

/** The fault filter: a delay (the client may leave meanwhile), then maybe an abort. Undefined lets it through. */
async function applyFault(routed: Routed, fault: FaultDecision): Promise<boolean> {
  const { table, res, record } = routed;
  if (fault.delayMs > 0) {
    table.stats.delayed++;
    record.flags.push('DI');
    const clientGone = new AbortController();
    const onClose = () => clientGone.abort();
    res.once('close', onClose);
    try {
      await sleep(fault.delayMs, undefined, { signal: clientGone.signal });
    } catch {
      record.flags.push('DC');
      return true;
    } finally {
      res.off('close', onClose);
    }
  }
  if (fault.abortStatus === undefined) return false;
  table.stats.aborted++;
  record.flags.push('FI');
  sendText(res, fault.abortStatus, 'fault filter abort');
  return true;
}

function answerOutcome(routed: Routed, outcome: Outcome): void {
  const { record } = routed;
  if (outcome.kind === 'answered') return;
  if (outcome.kind === 'cut') {
    if (outcome.flag) record.flags.push(outcome.flag);
    return;
  }
  const answer = failureAnswers[outcome.kind];
  reply(routed, answer.status, answer.text(outcome.error));
  record.flags.push(...failureFlags(outcome.kind, outcome.retried));
}

/**
 * The body to forward: the buffered one, or the request stream. A streamed body without content-length goes
 * through a counter, so the record holds its size too.
 */
function streamedBody(req: IncomingMessage, record: RequestRecord): Readable {
  if (req.headers['content-length'] !== undefined) return req;
  const counter = new PassThrough();
  counter.on('data', (chunk: Buffer) => {
    record.requestBytes += chunk.length;
  });
  return pipeline(req, counter, () => undefined);
}

/** Forwards the request (mirroring it first when the rule says so) and answers how that ended. */
async function forward(routed: Routed): Promise<void> {
  const { context, req, res, table, decision, rule, destination, key, record } = routed;
  table.counts[key] = (table.counts[key] ?? 0) + 1;
  record.forwarded = true;
  const method = req.method ?? 'GET';
  const upstreamPath = rewritePath(decision, req.url ?? '/');
  const headers = upstreamRequestHeaders(req, decision, destination, upstreamPath, requestIdOf(req.headers));

  const mirroring = shouldMirror(rule, context.random);
  let body: Buffer | Readable | undefined;
  if (hasBody(req)) {
    try {
      body = mirroring ? await readBody(req, MAX_MIRRORED_BODY) : streamedBody(req, record);
    } catch (error) {
      reply(routed, 413, (error as Error).message);
      return;
    }
    if (Buffer.isBuffer(body)) record.requestBytes = body.length;
  }
  if (mirroring) {
    const copy = { rule, path: upstreamPath, method, headers, body: body as Buffer | undefined };
    mirror(copy, table, context.upstreams, context.pools, context.records);
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
      record.reachedUpstream = true;
      record.upstreamStarted = upstreamStarted;
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
  answerOutcome(routed, outcome);
}

/** Routes the request, noting in `record` what is decided as soon as it is known. */
async function handleRoute(
  context: RouteContext,
  req: IncomingMessage,
  res: ServerResponse,
  record: RequestRecord,
): Promise<void> {
  const table = context.table();
  const decision = matchRequest(table.virtualServices, {
    method: req.method ?? 'GET',
    path: req.url ?? '/',
    authority: req.headers.host,
    headers: req.headers,
  });
  if (!decision) {
    table.stats.unrouted++;
    record.counterKey = UNROUTED;
    record.flags.push('NR');
    sendText(res, 404, 'no route matched');
    return;
  }
  const { rule } = decision;
  // Envoy picks the weighted cluster when it matches the route, before any filter (fault injection) runs.
  const destination = chooseDestination(rule, context.random);
  const key = destinationKey(destination.destination);
  record.destination = destination.destination;
  record.counterKey = destination.destination.subset;
  const routed: Routed = { context, req, res, record, table, decision, rule, destination, key };
  // Most requests meet no fault: they skip the filter without waiting on it.
  const fault = decideFault(rule, context.random);
  const answered = isFault(fault) && (await applyFault(routed, fault));
  if (!answered) await forward(routed);
}

/** Routes one request and, once its answer is done (or abandoned), emits its record. */
export function routeRequest(context: RouteContext, req: IncomingMessage, res: ServerResponse): void {
  const record = startRecord(req);
  countResponseBytes(res, record);
  handleRoute(context, req, res, record)
    .catch((error: unknown) => {
      record.flags.push('UC');
      sendText(res, 500, `gateway error: ${(error as Error).message}`);
    })
    .then(() => emitWhenDone(res, record, context.records));
}
