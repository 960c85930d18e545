/**
 * The gateway's metrics endpoint, on a port of its own as Envoy's (`GET /stats/prometheus`): Prometheus scrapes
 * it without going through the routing, the Host allow-list or the access log. Loopback by default.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendText } from './http-io.js';
import type { IstioMetrics } from './istio-metrics.js';

export const METRICS_PATH = '/stats/prometheus';

export interface MetricsServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startMetricsServer(
  metrics: IstioMetrics,
  port: number,
  host: string,
): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== METRICS_PATH) {
      sendText(res, 404, `not found: the metrics are at ${METRICS_PATH}`);
      return;
    }
    metrics.text().then(
      (text) => {
        res.writeHead(200, { 'content-type': metrics.contentType });
        res.end(text);
      },
      (error: unknown) => sendText(res, 500, `metrics: ${(error as Error).message}`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${bound}${METRICS_PATH}`,
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
