/**
 * A real local mesh for tests and benchmarks: the BUILT backend, launched as v1 (Bollywood) and v2 (Hollywood) by
 * @movies/backend/testing (a declared devDependency, so the backend builds first), plus an in-process gateway
 * routed to them. Nothing is mocked; every process and port is released by close().
 */
import { type BackendProcess, startBackend, type Version } from '@movies/backend/testing';
import { freePort } from '@movies/testkit';
import { type Gateway, type GatewayOptions, startGateway } from './gateway.js';

export interface LocalStackOptions {
  /** Overlay under k8s/overlays. Default "80-20". */
  overlay?: string;
  /** Which backends run at start; the others get a reserved port and can be start()ed later. Default both. */
  versions?: Version[];
  backendEnv?: Partial<Record<Version, Record<string, string>>>;
  /** Extra gateway options (accessLog, virtualServices, upstreams for the frontend …). */
  gateway?: Partial<GatewayOptions>;
}

export interface LocalStack {
  gatewayUrl: string;
  gateway: Gateway;
  backends: Record<Version, BackendProcess>;
  close(): Promise<void>;
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const versions = options.versions ?? ['v1', 'v2'];
  const started: BackendProcess[] = [];
  try {
    const [v1, v2] = await Promise.all(
      (['v1', 'v2'] as const).map(async (version) => {
        const backend = await startBackend({
          version,
          env: options.backendEnv?.[version],
          start: versions.includes(version),
        });
        started.push(backend);
        return backend;
      }),
    );
    const backends = { v1, v2 } as Record<Version, BackendProcess>;
    // The UI is not part of the stack: its route points at a port nothing listens on (the gateway answers 503).
    const noFrontend = `http://127.0.0.1:${await freePort()}`;
    const gateway = await startGateway({
      port: 0,
      host: '127.0.0.1',
      overlay: options.overlay ?? '80-20',
      accessLog: false,
      ...options.gateway,
      upstreams: {
        'movie-backend/v1': backends.v1.url,
        'movie-backend/v2': backends.v2.url,
        'movie-frontend': noFrontend,
        ...options.gateway?.upstreams,
      },
    });
    return {
      gatewayUrl: gateway.url,
      gateway,
      backends,
      close: async () => {
        await gateway.close();
        await Promise.all(started.map((backend) => backend.stop()));
      },
    };
  } catch (error) {
    await Promise.all(started.map((backend) => backend.stop()));
    throw error;
  }
}
