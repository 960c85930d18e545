// Public surface of @movies/gateway: the local gateway that routes like the k8s/ overlays' VirtualServices.
export { type AccessLogEntry, type AccessLogSink, accessLogPattern, formatAccessLog } from './access-log.js';
export { type Gateway, type GatewayOptions, shadowHost, startGateway } from './gateway.js';
export { ISTIO_BUCKETS, ISTIO_LABELS } from './istio-metrics.js';
export { METRICS_PATH } from './metrics-server.js';
export { RoutingError } from './routing-table.js';
export {
  defaultUpstreams,
  resolveUpstreams,
  UpstreamError,
  type UpstreamMap,
  upstreamEnvShortcuts,
  upstreamKey,
} from './upstreams.js';
