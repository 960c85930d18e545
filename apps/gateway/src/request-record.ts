/**
 * One record per request: created when the request arrives, filled in as routing decides (destination, flags,
 * the upstream's answer), and emitted exactly once when the request ends. The access log, the `/__mesh`
 * traffic counters and the Istio metrics all read that one record, so they cannot disagree.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Destination } from '@movies/mesh';

export interface RequestRecord {
  time: Date;
  method: string;
  /** The path as received. */
  path: string;
  /** performance.now() when the request arrived. */
  started: number;
  /** The chosen destination (host and subset); undefined when none was chosen (no route, a gateway error). */
  destination?: Destination;
  /** The traffic counter it belongs to: the subset, "unrouted", or undefined (no subset: not a version). */
  counterKey?: string;
  /** Past the fault filter, on its way upstream (the access log names the destination then). */
  forwarded: boolean;
  /** Envoy response flags, in the order they happened (FI, DI, NR, UH, URX, UT, UC, DC). */
  flags: string[];
  /** performance.now() when the upstream's answer (the one kept) arrived; undefined when none reached it. */
  upstreamStarted?: number;
  /** The upstream answered: a backend's sidecar saw the request (Istio's destination reporter). */
  reachedUpstream: boolean;
  /** A shadow copy (mirror): reported only by the mirror's destination, never counted nor logged. */
  mirror: boolean;
  /** Final values, set when the record is emitted. */
  status: number;
  durationMs: number;
  requestBytes: number;
  responseBytes: number;
}

/** Whoever reads ended records: the access log, the traffic counters, the metrics. */
export type RecordSink = (record: RequestRecord) => void;

export function startRecord(req: IncomingMessage, now = performance.now()): RequestRecord {
  return {
    time: new Date(),
    method: req.method ?? '-',
    path: req.url ?? '/',
    started: now,
    flags: [],
    forwarded: false,
    reachedUpstream: false,
    mirror: false,
    status: 0,
    durationMs: 0,
    requestBytes: declaredLength(req.headers['content-length']),
    responseBytes: 0,
  };
}

function declaredLength(header: string | undefined): number {
  const length = Number(header);
  return Number.isSafeInteger(length) && length > 0 ? length : 0;
}

/**
 * Counts the body bytes written to `res` into the record. Node keeps no per-response byte count (the socket's
 * is shared by every request of a keep-alive connection), so the response's own write and end are observed.
 */
export function countResponseBytes(res: ServerResponse, record: RequestRecord): void {
  const size = (chunk: unknown) =>
    typeof chunk === 'string' ? Buffer.byteLength(chunk) : ((chunk as Uint8Array | null)?.byteLength ?? 0);
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.write = ((chunk: unknown, ...rest: unknown[]) => {
    record.responseBytes += size(chunk);
    return write(chunk, ...rest);
  }) as ServerResponse['write'];
  res.end = ((chunk?: unknown, ...rest: unknown[]) => {
    if (typeof chunk !== 'function') record.responseBytes += size(chunk);
    return end(chunk, ...rest);
  }) as ServerResponse['end'];
}

/**
 * Emits the record once the answer is done (or abandoned): status 0 when the client went away before an answer,
 * DC added when it went away before the answer was complete.
 */
export function emitWhenDone(res: ServerResponse, record: RequestRecord, sink: RecordSink): void {
  let emitted = false;
  const finish = () => {
    if (emitted) return;
    emitted = true;
    record.status = res.headersSent ? res.statusCode : 0;
    record.durationMs = performance.now() - record.started;
    if (!res.writableFinished && !record.flags.includes('DC')) record.flags.push('DC');
    sink(record);
  };
  if (res.writableFinished || res.destroyed) finish();
  else res.once('close', finish);
}

/** One sink that hands each record to every given one, in order. */
export function fanOut(...sinks: readonly (RecordSink | undefined)[]): RecordSink {
  const present = sinks.filter((sink): sink is RecordSink => sink !== undefined);
  return (record) => {
    for (const sink of present) sink(record);
  };
}
