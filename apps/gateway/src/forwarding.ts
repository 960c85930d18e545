/**
 * The headers the gateway forwards and answers with, as Envoy builds them: hop-by-hop headers dropped, the
 * x-forwarded-* and x-request-id headers Envoy sets, and the rule's and destination's header operations applied
 * in Envoy's order (@movies/mesh headerMutations: remove, then set, then add; the picked weighted cluster before
 * the rule). Response operations also apply to the answers the gateway makes itself once a destination is picked
 * (503 no healthy upstream, 504 timeouts), as Envoy's router applies them to its local replies.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import {
  applyHeaderMutations,
  type HeaderMap,
  type HttpRoute,
  headerMutations,
  type RouteDecision,
  type RouteDestination,
} from '@movies/mesh';

/** Headers that describe one connection and must not be forwarded (RFC 9110 §7.6.1), plus what undici sets. */
export const hopByHop = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'expect',
  'proxy-authenticate',
  'proxy-authorization',
]);

/** A sane x-request-id is kept (Envoy trusts an edge request's id unless configured otherwise); else a UUID. */
export function requestIdOf(headers: IncomingHttpHeaders): string {
  const incoming = headers['x-request-id'];
  return typeof incoming === 'string' && /^[\w.:-]{1,200}$/.test(incoming) ? incoming : randomUUID();
}

export function upstreamRequestHeaders(
  req: IncomingMessage,
  decision: RouteDecision,
  destination: RouteDestination,
  upstreamPath: string,
  requestId: string,
): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  // Headers named in `connection` are hop-by-hop too; the usual "keep-alive"/"close" name none worth a Set.
  const connection = req.headers.connection?.toLowerCase();
  const connectionTokens =
    connection && connection !== 'keep-alive' && connection !== 'close'
      ? new Set(connection.split(',').map((token) => token.trim()))
      : undefined;
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || hopByHop.has(name) || connectionTokens?.has(name)) continue;
    headers[name] = value;
  }
  const client = req.socket.remoteAddress;
  if (client) {
    const forwarded = req.headers['x-forwarded-for'];
    headers['x-forwarded-for'] = forwarded ? `${forwarded}, ${client}` : client;
  }
  headers['x-forwarded-proto'] ??= 'http';
  headers['x-request-id'] = requestId;
  if (upstreamPath !== req.url) headers['x-envoy-original-path'] = req.url ?? '/';
  const authority = decision.rule.rewrite?.authority;
  if (authority) headers.host = authority;
  applyHeaderMutations(headers, headerMutations(decision.rule, destination, 'request'));
  return headers;
}

/** The answer's headers: the upstream's (or the gateway's own), plus `extra`, then the response operations. */
export function responseHeaders(
  upstream: IncomingHttpHeaders | HeaderMap,
  rule: HttpRoute,
  destination: RouteDestination,
  extra: Record<string, string> = {},
): HeaderMap {
  const headers: HeaderMap = {};
  for (const [name, value] of Object.entries(upstream)) {
    if (value === undefined || hopByHop.has(name)) continue;
    headers[name] = value;
  }
  Object.assign(headers, extra);
  applyHeaderMutations(headers, headerMutations(rule, destination, 'response'));
  return headers;
}
