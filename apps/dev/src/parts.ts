/** The four parts of the local stack and how each is started, all on the ports of DevConfig. */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MESH_PATH } from '@movies/contracts/names';
import type { DevConfig } from './config.js';
import type { PartSpec } from './part.js';
import { type PrometheusPart, splitGraphUrl } from './prometheus.js';

export const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const appDir = (name: string) => join(repoRoot, 'apps', name);
export const backendSources = join(appDir('backend'), 'src');

/** TypeScript sources run as they are, through tsx's loader in the same process (no wrapper process). */
const tsNode = (entry: string) => ({ command: process.execPath, args: ['--import', 'tsx', entry] });

function backend(version: 'v1' | 'v2', port: number, config: DevConfig, env: NodeJS.ProcessEnv): PartSpec {
  return {
    name: version,
    ...tsNode('src/server.ts'),
    cwd: appDir('backend'),
    env: {
      ...env,
      PORT: String(port),
      SERVICE_VERSION: version,
      DATA_DIR: version === 'v1' ? 'bollywood-data' : 'hollywood-data',
      SHUTDOWN_DELAY_MS: '0',
      LOG_LEVEL: config.backendLogLevel,
    },
    readyUrl: `http://127.0.0.1:${port}/readyz`,
  };
}

function viteBin(): string {
  const require = createRequire(join(appDir('frontend'), 'package.json'));
  return join(dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
}

/**
 * Stages: the backends and the UI first; the gateway (and Prometheus, when there is one) only once they answer, so
 * the gateway's first /api/ call works.
 */
export function stackStages(
  config: DevConfig,
  env: NodeJS.ProcessEnv = process.env,
  prometheus?: PrometheusPart,
): PartSpec[][] {
  const { GATEWAY_PORT, BACKEND_V1_PORT, BACKEND_V2_PORT, VITE_PORT, GATEWAY_METRICS_PORT } = config.ports;
  const local = (port: number) => `http://127.0.0.1:${port}`;
  const ui: PartSpec = {
    name: 'ui',
    command: process.execPath,
    args: [viteBin(), '--port', String(VITE_PORT), '--strictPort', '--clearScreen', 'false'],
    cwd: appDir('frontend'),
    env: {
      ...env,
      API_PROXY_TARGET: local(GATEWAY_PORT),
      // Pages come through the gateway, so the hot-reload socket connects back through its port too.
      HMR_CLIENT_PORT: String(GATEWAY_PORT),
      // The /traffic page links to Prometheus's graph of the split when Prometheus runs.
      ...(prometheus ? { VITE_PROMETHEUS_GRAPH_URL: splitGraphUrl(prometheus.url) } : {}),
    },
    readyUrl: `${local(VITE_PORT)}/`,
  };
  const gateway: PartSpec = {
    name: 'gateway',
    ...tsNode('src/main.ts'),
    cwd: appDir('gateway'),
    env: {
      ...env,
      GATEWAY_PORT: String(GATEWAY_PORT),
      GATEWAY_METRICS_PORT: String(GATEWAY_METRICS_PORT),
      MESH_UPSTREAM_V1: local(BACKEND_V1_PORT),
      MESH_UPSTREAM_V2: local(BACKEND_V2_PORT),
      MESH_UPSTREAM_FRONTEND: local(VITE_PORT),
    },
    readyUrl: `${local(GATEWAY_PORT)}${MESH_PATH}`,
  };
  return [
    [backend('v1', BACKEND_V1_PORT, config, env), backend('v2', BACKEND_V2_PORT, config, env), ui],
    prometheus ? [gateway, prometheus.spec] : [gateway],
  ];
}
