/** Envoy's request shadowing: a copy of the request to the rule's `mirror` destination, its answer dropped. */
import { performance } from 'node:perf_hooks';
import type { HttpRoute } from '@movies/mesh';
import type { UpstreamPools } from './pools.js';
import type { RecordSink } from './request-record.js';
import type { RoutingTable } from './routing-table.js';
import { type UpstreamMap, upstreamFor } from './upstreams.js';

/** Envoy's shadow host: "localhost:8080" → "localhost-shadow:8080", "movies" → "movies-shadow". */
export function shadowHost(host: string): string {
  const colon = host.lastIndexOf(':');
  const isPort = colon > 0 && /^\d+$/.test(host.slice(colon + 1)) && !host.endsWith(']');
  return isPort ? `${host.slice(0, colon)}-shadow${host.slice(colon)}` : `${host}-shadow`;
}

export interface MirroredRequest {
  rule: HttpRoute;
  path: string;
  method: string;
  headers: Record<string, string | string[]>;
  body: Buffer | undefined;
}

/**
 * Sends the copy when the rule has a mirror with a known upstream, and counts it in the table's stats. Its record
 * (mirror: true) goes to `records` once its answer is read: only the mirror's destination reports it, as in Istio.
 */
export function mirror(
  request: MirroredRequest,
  table: RoutingTable,
  upstreams: UpstreamMap,
  pools: UpstreamPools,
  records?: RecordSink,
): void {
  const target = request.rule.mirror;
  const origin = target && upstreamFor(upstreams, target);
  if (!target || !origin) return;
  table.stats.mirrored++;
  const { headers } = request;
  const host = typeof headers.host === 'string' ? headers.host : '';
  const started = performance.now();
  // Fire and forget: the copy's answer (or failure) never reaches the client, as with Envoy's shadowing.
  pools
    .for(origin)
    .request({
      path: request.path,
      method: request.method,
      headers: { ...headers, host: shadowHost(host) },
      body: request.body,
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    })
    .then(async (response) => {
      let responseBytes = 0;
      for await (const chunk of response.body) responseBytes += (chunk as Buffer).length;
      records?.({
        time: new Date(),
        method: request.method,
        path: request.path,
        started,
        destination: target,
        flags: [],
        forwarded: true,
        reachedUpstream: true,
        upstreamStarted: started,
        mirror: true,
        status: response.statusCode,
        durationMs: performance.now() - started,
        requestBytes: request.body?.length ?? 0,
        responseBytes,
      });
    })
    .catch(() => undefined);
}
