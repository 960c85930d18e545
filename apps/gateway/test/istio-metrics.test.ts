/**
 * The gateway's Istio metrics, read from its metrics port as Prometheus would, against a real local stack: label
 * names as the "Istio Standard Metrics" reference lists them (fixtures/istio-standard-metrics.json), the source
 * and destination series a mesh would have, and one record behind the counters, the access log and the metrics.
 */
import { readFileSync } from 'node:fs';
import { seededRandom } from '@movies/contracts/random';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessLogPattern } from '../src/access-log.js';
import { ISTIO_BUCKETS, ISTIO_LABELS } from '../src/istio-metrics.js';
import { type LocalStack, startLocalStack } from '../src/testing.js';

const reference = JSON.parse(
  readFileSync(new URL('./fixtures/istio-standard-metrics.json', import.meta.url), 'utf8'),
) as { metrics: Record<string, string>; labels: string[] };

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus text format, sample lines only. */
function parseSamples(text: string): Sample[] {
  return text.split('\n').flatMap((line) => {
    const found = /^(\w+)\{(.*)\} (\S+)$/.exec(line);
    if (!found) return [];
    const labels = Object.fromEntries(
      [...(found[2] as string).matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    return [{ name: found[1] as string, labels, value: Number(found[3]) }];
  });
}

const sum = (samples: Sample[], name: string, match: Record<string, string>) =>
  samples
    .filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v))
    .reduce((total, s) => total + s.value, 0);

let stack: LocalStack;
const logLines: string[] = [];

async function scrape(): Promise<Sample[]> {
  const url = stack.gateway.metricsUrl as string;
  const response = await fetch(url);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseSamples(await response.text());
}

async function send(count: number, path = '/api/'): Promise<number[]> {
  return Promise.all(
    Array.from({ length: count }, () =>
      fetch(`${stack.gatewayUrl}${path}`).then(async (response) => {
        await response.arrayBuffer();
        return response.status;
      }),
    ),
  );
}

beforeAll(async () => {
  stack = await startLocalStack({
    overlay: '80-20',
    gateway: {
      random: seededRandom(21),
      metrics: { port: 0 },
      accessLog: (line) => {
        logLines.push(line);
      },
    },
  });
});
afterAll(async () => {
  await stack?.close();
});

describe('Istio standard metrics on the metrics port', () => {
  it('names the metrics and labels of the reference page, with Envoy’s default buckets', async () => {
    expect([...ISTIO_LABELS].sort()).toEqual([...reference.labels].sort());
    await send(5);
    const samples = await scrape();
    for (const name of Object.keys(reference.metrics)) {
      const series = name === 'istio_requests_total' ? name : `${name}_bucket`;
      const found = samples.filter((s) => s.name === series);
      expect(found.length, name).toBeGreaterThan(0);
      const labelNames = Object.keys(found[0]?.labels ?? {}).filter((label) => label !== 'le');
      expect(labelNames.sort(), name).toEqual([...reference.labels].sort());
    }
    const bounds = samples
      .filter((s) => s.name === 'istio_request_duration_milliseconds_bucket')
      .map((s) => s.labels.le);
    for (const bound of [...ISTIO_BUCKETS.map(String), '+Inf']) expect(bounds).toContain(bound);
    expect(stack.gateway.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/stats\/prometheus$/);
    expect((await fetch(stack.gateway.metricsUrl?.replace('/stats/prometheus', '/') as string)).status).toBe(
      404,
    );
  });

  it('reports each answer once as the ingress gateway and once as the sidecar that served it', async () => {
    const before = await scrape();
    const beforeTraffic = stack.gateway.state().traffic.total;
    const statuses = await send(60);
    const after = await scrape();
    const traffic = stack.gateway.state().traffic.total;
    for (const version of ['v1', 'v2']) {
      const match = { destination_version: version, response_code: '200' };
      const counted = (traffic[version]?.requests ?? 0) - (beforeTraffic[version]?.requests ?? 0);
      expect(counted).toBeGreaterThan(0);
      for (const reporter of ['source', 'destination']) {
        const delta =
          sum(after, 'istio_requests_total', { ...match, reporter }) -
          sum(before, 'istio_requests_total', { ...match, reporter });
        expect(delta, `${reporter} ${version}`).toBe(counted);
      }
    }
    expect(statuses.every((status) => status === 200)).toBe(true);
    const v1 = after.find(
      (s) =>
        s.name === 'istio_requests_total' &&
        s.labels.reporter === 'destination' &&
        s.labels.destination_version === 'v1',
    )?.labels;
    expect(v1).toMatchObject({
      source_workload: 'istio-ingressgateway',
      source_workload_namespace: 'istio-system',
      destination_workload: 'movie-backend-v1',
      destination_workload_namespace: 'movies',
      destination_service_name: 'movie-backend',
      destination_service: 'movie-backend.movies.svc.cluster.local',
      connection_security_policy: 'none',
      response_flags: '-',
      request_protocol: 'http',
    });
    // Sizes are the bodies: what the backend answered, as the client received it.
    expect(sum(after, 'istio_response_bytes_sum', { reporter: 'source' })).toBeGreaterThan(0);
  });

  it('measures request bodies, sent with a length or chunked, and response bodies as the client gets them', async () => {
    const before = await scrape();
    const fixed = await fetch(`${stack.gatewayUrl}/api/`, { method: 'POST', body: 'twelve bytes' });
    const fixedBody = Buffer.from(await fixed.arrayBuffer());
    const chunked = await fetch(`${stack.gatewayUrl}/api/`, {
      method: 'POST',
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('seven b'));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    const chunkedBody = Buffer.from(await chunked.arrayBuffer());
    const after = await scrape();
    const grew = (name: string) =>
      sum(after, name, { reporter: 'source' }) - sum(before, name, { reporter: 'source' });
    expect(grew('istio_request_bytes_count')).toBe(2);
    expect(grew('istio_request_bytes_sum')).toBe(12 + 7);
    expect(grew('istio_response_bytes_sum')).toBe(fixedBody.length + chunkedBody.length);
  });

  it('reports fault aborts (FI) and no healthy upstream (UH) as the gateway only, like the access log', async () => {
    await stack.gateway.useOverlay('fault-injection');
    const before = await scrape();
    const firstLine = logLines.length;
    const statuses = await send(40);
    const after = await scrape();
    const aborted = statuses.filter((status) => status === 503).length;
    expect(aborted).toBeGreaterThan(0);
    const delta = (match: Record<string, string>) =>
      sum(after, 'istio_requests_total', match) - sum(before, 'istio_requests_total', match);
    // A request may be delayed, then aborted: DI,FI.
    const flagged = (samples: Sample[]) =>
      samples
        .filter((s) => s.name === 'istio_requests_total' && s.labels.reporter === 'source')
        .filter((s) => s.labels.response_flags?.split(',').includes('FI') && s.labels.response_code === '503')
        .reduce((total, s) => total + s.value, 0);
    expect(flagged(after) - flagged(before)).toBe(aborted);
    expect(delta({ reporter: 'destination', response_code: '503' })).toBe(0);
    expect(delta({ reporter: 'destination' })).toBe(40 - aborted);
    const abortLines = logLines.slice(firstLine).filter((line) => /[ ,]FI$/.test(line));
    expect(abortLines.length).toBe(aborted);
    for (const line of abortLines) expect(accessLogPattern.test(line)).toBe(true);

    await stack.gateway.useOverlay('0-100');
    await stack.backends.v2.stop();
    try {
      const down = await send(3);
      expect(down).toEqual([503, 503, 503]);
      const afterDown = await scrape();
      const uh = (reporter: string) =>
        sum(afterDown, 'istio_requests_total', {
          reporter,
          destination_version: 'v2',
          response_code: '503',
        }) -
        sum(after, 'istio_requests_total', { reporter, destination_version: 'v2', response_code: '503' });
      expect(uh('source')).toBe(3);
      expect(uh('destination')).toBe(0);
      expect(
        afterDown.some((s) => s.name === 'istio_requests_total' && s.labels.response_flags === 'UH,URX'),
      ).toBe(true);
    } finally {
      await stack.backends.v2.start();
    }
  });

  it('reports mirrored copies as the mirror’s destination only', async () => {
    await stack.gateway.useOverlay('mirroring');
    const before = await scrape();
    await send(10);
    const mirrored = (samples: Sample[], reporter: string) =>
      sum(samples, 'istio_requests_total', { reporter, destination_version: 'v2' });
    // The copies are fire and forget: wait until all ten are reported.
    let after = await scrape();
    while (mirrored(after, 'destination') - mirrored(before, 'destination') < 10) after = await scrape();
    expect(mirrored(after, 'destination') - mirrored(before, 'destination')).toBe(10);
    expect(mirrored(after, 'source') - mirrored(before, 'source')).toBe(0);
  });

  it('says mutual_tls under mtls-strict and reports as movies-gateway-istio under gateway-api', async () => {
    await stack.gateway.useOverlay('mtls-strict');
    await send(10);
    const strict = await scrape();
    expect(
      strict.some(
        (s) =>
          s.name === 'istio_requests_total' &&
          s.labels.reporter === 'destination' &&
          s.labels.connection_security_policy === 'mutual_tls',
      ),
    ).toBe(true);
    await stack.gateway.useOverlay('gateway-api');
    await send(10);
    const gatewayApi = await scrape();
    expect(
      sum(gatewayApi, 'istio_requests_total', { source_workload: 'movies-gateway-istio' }),
    ).toBeGreaterThan(0);
    expect(
      gatewayApi.find((s) => s.labels.source_workload === 'movies-gateway-istio')?.labels
        .source_workload_namespace,
    ).toBe('movies');
  });
});
