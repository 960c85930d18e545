/**
 * Istio's standard metrics, as the proxies of a mesh would report this gateway's traffic (Prometheus text, read
 * from request records):
 *   - reporter="source": the ingress gateway (istio-ingressgateway in istio-system; movies-gateway-istio in movies
 *     for the gateway-api overlay), one series set per request, response flags as in the access log;
 *   - reporter="destination": the sidecar of the backend that answered (movie-backend-v1, …), only for requests
 *     that reached one — a fault abort, no route or no healthy upstream never does — and for mirrored copies,
 *     which only their destination reports.
 * Label names are those of the "Istio Standard Metrics" reference (test/fixtures/istio-standard-metrics.json).
 */
import { type Destination, shortHost } from '@movies/mesh';
import { Counter, Histogram, Registry } from 'prom-client';
import type { RecordSink, RequestRecord } from './request-record.js';

/** Every label of istio_requests_total and the three histograms, in the reference page's order. */
export const ISTIO_LABELS = [
  'reporter',
  'source_workload',
  'source_workload_namespace',
  'source_principal',
  'source_app',
  'source_version',
  'source_canonical_service',
  'source_canonical_revision',
  'source_cluster',
  'destination_workload',
  'destination_workload_namespace',
  'destination_principal',
  'destination_app',
  'destination_version',
  'destination_service',
  'destination_service_name',
  'destination_service_namespace',
  'destination_canonical_service',
  'destination_canonical_revision',
  'destination_cluster',
  'request_protocol',
  'response_code',
  'grpc_response_status',
  'response_flags',
  'connection_security_policy',
] as const;

export type IstioLabel = (typeof ISTIO_LABELS)[number];
type Labels = Record<IstioLabel, string>;

/** Envoy's default histogram buckets, which Istio's stats use for durations (ms) and sizes (bytes) alike. */
export const ISTIO_BUCKETS = [
  0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000,
  3600000,
];

/** The application namespace of k8s/base, and the cluster name Istio reports without multi-cluster. */
const NAMESPACE = 'movies';
const CLUSTER = 'Kubernetes';
const UNKNOWN = 'unknown';

/** Who plays the ingress gateway for an overlay: Istio's Gateway API deployment for gateway-api. */
function ingressOf(overlay: string | undefined) {
  return overlay === 'gateway-api'
    ? { workload: 'movies-gateway-istio', namespace: NAMESPACE, account: 'movies-gateway-istio' }
    : {
        workload: 'istio-ingressgateway',
        namespace: 'istio-system',
        account: 'istio-ingressgateway-service-account',
      };
}

/** The workload behind a destination: a subset's Deployment (movie-backend-v1), else the host's (movie-frontend). */
function destinationLabels(destination: Destination | undefined, mtls: boolean) {
  if (!destination) {
    return {
      destination_workload: UNKNOWN,
      destination_workload_namespace: UNKNOWN,
      destination_principal: UNKNOWN,
      destination_app: UNKNOWN,
      destination_version: UNKNOWN,
      destination_service: UNKNOWN,
      destination_service_name: UNKNOWN,
      destination_service_namespace: UNKNOWN,
      destination_canonical_service: UNKNOWN,
      destination_canonical_revision: UNKNOWN,
      destination_cluster: UNKNOWN,
    };
  }
  const host = shortHost(destination.host);
  const workload = destination.subset ? `${host}-${destination.subset}` : host;
  return {
    destination_workload: workload,
    destination_workload_namespace: NAMESPACE,
    // Each backend Deployment runs as its own service account (k8s/base): the identity mTLS presents.
    destination_principal: mtls ? `spiffe://cluster.local/ns/${NAMESPACE}/sa/${workload}` : UNKNOWN,
    destination_app: host,
    destination_version: destination.subset ?? UNKNOWN,
    destination_service: `${host}.${NAMESPACE}.svc.cluster.local`,
    destination_service_name: host,
    destination_service_namespace: NAMESPACE,
    destination_canonical_service: host,
    destination_canonical_revision: destination.subset ?? 'latest',
    destination_cluster: CLUSTER,
  };
}

/** What the metrics need to know of the routing in force when a request ends. */
export interface MeshIdentity {
  overlay: string | undefined;
}

export class IstioMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'istio_requests_total',
    help: 'Requests handled by an Istio proxy (here: as the ingress gateway and the backends’ sidecars report them)',
    labelNames: ISTIO_LABELS,
    registers: [this.registry],
  });
  private readonly duration = this.histogram('istio_request_duration_milliseconds', 'Request duration (ms)');
  private readonly requestBytes = this.histogram('istio_request_bytes', 'HTTP request body sizes');
  private readonly responseBytes = this.histogram('istio_response_bytes', 'HTTP response body sizes');

  constructor(private readonly identity: () => MeshIdentity) {}

  /** The metrics' reading of a request record. */
  readonly records: RecordSink = (record) => {
    const overlay = this.identity().overlay;
    if (!record.mirror) this.observe(this.labels(record, 'source', overlay), record, record.durationMs);
    if (record.reachedUpstream) {
      const upstreamMs = record.durationMs - ((record.upstreamStarted ?? record.started) - record.started);
      this.observe(this.labels(record, 'destination', overlay), record, upstreamMs);
    }
  };

  /**
   * Creates, at 0, the 200 series of every version (subset) a routing table can send to: rate() needs a sample before
   * a counter's first increase, so a version's first requests count from the first scrape on (a cluster's
   * Prometheus has the same gap for a brand-new series; locally every check would otherwise start in it).
   */
  expect(destinations: readonly Destination[], overlay: string | undefined): void {
    for (const destination of destinations.filter((d) => d.subset !== undefined)) {
      const record = { destination, flags: [], status: 200 } as unknown as RequestRecord;
      for (const reporter of ['source', 'destination'] as const) {
        const labels = this.labels(record, reporter, overlay);
        this.requests.inc(labels, 0);
        for (const histogram of [this.duration, this.requestBytes, this.responseBytes])
          histogram.zero(labels);
      }
    }
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private histogram(name: string, help: string): Histogram<IstioLabel> {
    return new Histogram({
      name,
      help,
      labelNames: ISTIO_LABELS,
      buckets: ISTIO_BUCKETS,
      registers: [this.registry],
    });
  }

  private observe(labels: Labels, record: RequestRecord, durationMs: number): void {
    this.requests.inc(labels);
    this.duration.observe(labels, durationMs);
    this.requestBytes.observe(labels, record.requestBytes);
    this.responseBytes.observe(labels, record.responseBytes);
  }

  private labels(
    record: RequestRecord,
    reporter: 'source' | 'destination',
    overlay: string | undefined,
  ): Labels {
    const mtls = overlay === 'mtls-strict';
    const ingress = ingressOf(overlay);
    return {
      reporter,
      source_workload: ingress.workload,
      source_workload_namespace: ingress.namespace,
      source_principal: mtls
        ? `spiffe://cluster.local/ns/${ingress.namespace}/sa/${ingress.account}`
        : UNKNOWN,
      source_app: ingress.workload,
      source_version: UNKNOWN,
      source_canonical_service: ingress.workload,
      source_canonical_revision: 'latest',
      source_cluster: CLUSTER,
      ...destinationLabels(record.destination, mtls),
      request_protocol: 'http',
      response_code: String(record.status),
      grpc_response_status: '',
      // The sidecar of the destination sees a plain answer: the gateway's flags are the gateway's own.
      response_flags: reporter === 'source' && record.flags.length > 0 ? record.flags.join(',') : '-',
      connection_security_policy: reporter === 'destination' ? (mtls ? 'mutual_tls' : 'none') : UNKNOWN,
    };
  }
}
