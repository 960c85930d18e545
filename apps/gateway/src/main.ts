/**
 * `pnpm dev` entry of the local gateway: reads the environment (TRAFFIC, GATEWAY_PORT, …), routes by the chosen
 * overlay and closes gracefully on SIGTERM/SIGINT.
 */
import { AppError } from '@movies/contracts/errors';
import { MESH_PATH } from '@movies/contracts/names';
import { formatSplit } from '@movies/mesh';
import { adminTokenLines } from './admin-auth.js';
import { loadConfig } from './config.js';
import { startGateway } from './gateway.js';

function die(message: string): never {
  process.stderr.write(`gateway: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof AppError && error.code === 'CONFIG_INVALID') die(error.message);
    throw error;
  }

  let gateway: Awaited<ReturnType<typeof startGateway>>;
  try {
    gateway = await startGateway({ ...config, prerender: true });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'EADDRINUSE') {
      const port = (error as { port?: number }).port;
      const variable = port === config.metrics.port ? 'GATEWAY_METRICS_PORT' : 'GATEWAY_PORT';
      die(`port ${port ?? config.port} is already in use (set ${variable} to another port)`);
    }
    die((error as Error).message);
  }

  const state = gateway.state();
  const shownHost = ['127.0.0.1', '0.0.0.0', '::', '::1'].includes(config.host) ? 'localhost' : config.host;
  const url = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${gateway.port}`;
  const split = formatSplit(state.weights);
  // The traffic CLI finds the gateway on localhost:8080 by itself; any other address has to be passed on.
  const traffic = url === 'http://localhost:8080' ? 'pnpm traffic' : `GATEWAY_URL=${url} pnpm traffic`;
  const via = state.via === 'kubectl' ? 'kubectl kustomize' : `k8s/rendered/${state.overlay}.yaml`;
  process.stdout.write(
    [
      `local mesh gateway: UI ${url}/  API ${url}/api/  routing state ${url}${MESH_PATH}`,
      `routing: overlay ${state.source} (via ${via}), /api/ split ${split || 'none'}`,
      `upstreams: ${Object.entries(state.upstreams)
        .map(([key, origin]) => `${key} -> ${origin}`)
        .join(', ')}`,
      `switch live: ${traffic} set 50-50 | ${traffic} set 95 5 | curl -X PUT ${url}${MESH_PATH} --json '{"overlay":"0-100"}'`,
      `metrics: Istio's standard metrics for Prometheus at ${gateway.metricsUrl}`,
      ...adminTokenLines(gateway.token, config.token !== undefined, config.host),
      '',
    ].join('\n'),
  );

  const shutdown = (signal: NodeJS.Signals) => {
    process.stdout.write(`gateway: ${signal}, closing (in-flight requests finish)\n`);
    gateway.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((error: unknown) => die((error as Error).stack ?? String(error)));
