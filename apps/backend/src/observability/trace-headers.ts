import type { IncomingHttpHeaders } from 'node:http';

/**
 * Headers Istio's Envoy sidecars use to stitch spans together. The application must copy them from the incoming
 * request to every outgoing call (https://istio.io/latest/docs/tasks/observability/distributed-tracing/overview/).
 */
export const PROPAGATED_HEADERS = [
  'x-request-id',
  'traceparent',
  'tracestate',
  'x-b3-traceid',
  'x-b3-spanid',
  'x-b3-parentspanid',
  'x-b3-sampled',
  'x-b3-flags',
  'b3',
  'x-ot-span-context',
] as const;

export type PropagatedHeaders = Partial<Record<(typeof PROPAGATED_HEADERS)[number], string>>;

const MAX_HEADER_LENGTH = 512;

/** Picks the trace headers from a request, dropping oversized or repeated values instead of forwarding them. */
export function pickTraceHeaders(headers: IncomingHttpHeaders): PropagatedHeaders {
  const picked: PropagatedHeaders = {};
  for (const name of PROPAGATED_HEADERS) {
    const value = headers[name];
    if (typeof value === 'string' && value.length > 0 && value.length <= MAX_HEADER_LENGTH)
      picked[name] = value;
  }
  return picked;
}

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:/+=-]{1,128}$/;

/** Keeps a caller's (or Envoy's) x-request-id when it is sane, otherwise mints a fresh one. */
export function requestIdFrom(headers: IncomingHttpHeaders, mint: () => string): string {
  const incoming = headers['x-request-id'];
  return typeof incoming === 'string' && REQUEST_ID_PATTERN.test(incoming) ? incoming : mint();
}
