/**
 * A real local mesh for tests and benchmarks: the BUILT backend (`node apps/backend/dist/server.js`, built once
 * when dist/ is missing) spawned as v1 (Bollywood) and v2 (Hollywood) on free ports, plus an in-process gateway
 * routed to them. Nothing is mocked; every process and port is released by close().
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { repoRoot } from '@movies/mesh';
import { type Gateway, type GatewayOptions, startGateway } from './gateway.js';

const execFileAsync = promisify(execFile);

export type Version = 'v1' | 'v2';

export const catalogueOf: Readonly<Record<Version, string>> = { v1: 'bollywood-data', v2: 'hollywood-data' };

const backendDir = join(repoRoot, 'apps', 'backend');
const builtServer = join(backendDir, 'dist', 'server.js');
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

/** Children still running, killed if the test process exits without closing them. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** A port nothing listens on right now (the OS picks it; it is released at once for the caller to use). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

let building: Promise<void> | undefined;

/**
 * Builds the backend once when dist/server.js is missing. Parallel test files share one build through a lock
 * directory; whoever holds it builds, the others wait for dist/server.js.
 */
export function ensureBackendBuilt(): Promise<void> {
  building ??= (async () => {
    if (existsSync(builtServer)) return;
    const lock = join(
      tmpdir(),
      `movies-backend-build-${Buffer.from(repoRoot).toString('hex').slice(-24)}.lock`,
    );
    const deadline = Date.now() + 180_000;
    for (;;) {
      try {
        mkdirSync(lock);
        break;
      } catch {
        if (existsSync(builtServer)) return;
        if (Date.now() > deadline)
          throw new Error(`timed out waiting for another build of the backend (${lock})`);
        await sleep(250);
      }
    }
    try {
      if (existsSync(builtServer)) return;
      const scripts = JSON.parse(readFileSync(join(backendDir, 'package.json'), 'utf8')).scripts ?? {};
      if (!scripts.build)
        throw new Error('apps/backend has no build script, so dist/server.js cannot be built');
      await execFileAsync('pnpm', ['--filter', '@movies/backend', 'build'], { cwd: repoRoot });
      if (!existsSync(builtServer))
        throw new Error(`pnpm --filter @movies/backend build did not produce ${builtServer}`);
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  })();
  return building;
}

export interface BackendProcess {
  version: Version;
  url: string;
  port: number;
  /** SIGTERM, then wait for the process to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port and waits for /readyz. */
  start(): Promise<void>;
  isRunning(): boolean;
  /** The process id while it runs. */
  pid(): number | undefined;
}

export interface BackendOptions {
  version: Version;
  /** Default: a free port. */
  port?: number;
  /** Extra environment (e.g. FAULT_ERROR_RATE); wins over the defaults below. */
  env?: Record<string, string>;
  /** Start it right away (default true). */
  start?: boolean;
}

async function waitUntilReady(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `backend exited (${child.exitCode ?? child.signalCode}) before it was ready: ${output()}`,
      );
    }
    try {
      const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await sleep(50);
  }
  throw new Error(`backend at ${url} not ready after ${READY_TIMEOUT_MS} ms: ${output()}`);
}

/** One real backend process serving the catalogue of `version`. */
export async function startBackend(options: BackendOptions): Promise<BackendProcess> {
  await ensureBackendBuilt();
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;

  const start = async () => {
    if (child) return;
    const tail: string[] = [];
    const keep = (chunk: Buffer) => {
      tail.push(chunk.toString('utf8'));
      if (tail.length > 20) tail.shift();
    };
    const spawned = spawn(process.execPath, [builtServer], {
      cwd: backendDir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        PORT: String(port),
        DATA_DIR: catalogueOf[options.version],
        SERVICE_VERSION: options.version,
        // Quiet, fast to stop, and never trying the (unreachable) TMDB API unless a test asks for it.
        LOG_LEVEL: 'warn',
        SHUTDOWN_DELAY_MS: '0',
        TMDB_API_KEY: '',
        FAULT_ERROR_RATE: '',
        FAULT_DELAY_MS: '',
        ...options.env,
      },
    });
    // Always drain the pipes: a full pipe would block the child.
    spawned.stdout?.on('data', keep);
    spawned.stderr?.on('data', keep);
    running.add(spawned);
    spawned.once('exit', () => {
      running.delete(spawned);
      if (child === spawned) child = undefined;
    });
    child = spawned;
    try {
      await waitUntilReady(url, spawned, () => tail.join('').trim().slice(-2000));
    } catch (error) {
      spawned.kill('SIGKILL');
      throw error;
    }
  };

  const stop = async () => {
    const current = child;
    if (!current) return;
    const exited = new Promise<void>((resolve) => {
      if (current.exitCode !== null || current.signalCode !== null) resolve();
      else current.once('exit', () => resolve());
    });
    current.kill('SIGTERM');
    const killer = setTimeout(() => current.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(killer);
  };

  if (options.start !== false) await start();
  return {
    version: options.version,
    url,
    port,
    stop,
    start,
    isRunning: () => child !== undefined,
    pid: () => child?.pid,
  };
}

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
