/**
 * `@movies/backend/testing`: the backend launcher every suite shares. It spawns the BUILT backend
 * (`node apps/backend/dist/server.js`) as v1 (Bollywood) or v2 (Hollywood) on a free port, ready once /readyz
 * answers. It lives outside src/, so the production build never includes it. A package whose tests launch the
 * backend imports it from here and so declares @movies/backend, which makes `pnpm -r build` build the backend first;
 * when dist/ is still missing (a test run without a build), the first launcher builds it once for all parallel test
 * files.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort, waitFor, waitForHttp } from '@movies/testkit';

export { type FilmFact, loadFacts } from '../src/catalogue/facts.js';

const execFileAsync = promisify(execFile);

export type Version = 'v1' | 'v2';

export const catalogueOf: Readonly<Record<Version, string>> = { v1: 'bollywood-data', v2: 'hollywood-data' };

const backendDir = dirname(fileURLToPath(new URL('../package.json', import.meta.url)));
const builtServer = join(backendDir, 'dist', 'server.js');
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
const BUILD_TIMEOUT_MS = 180_000;

/** Children still running, killed if the test process exits without closing them. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

let building: Promise<void> | undefined;

/** Takes the build lock, or returns false when another process finished the build while we waited. */
async function takeBuildLock(lock: string): Promise<boolean> {
  let taken = false;
  await waitFor(
    () => {
      if (existsSync(builtServer)) return true;
      try {
        mkdirSync(lock);
        taken = true;
      } catch {
        // Another test file is building.
      }
      return taken;
    },
    `another build of the backend (${lock})`,
    { timeoutMs: BUILD_TIMEOUT_MS, intervalMs: 250 },
  );
  return taken;
}

/**
 * Builds the backend once when dist/server.js is missing. Parallel test files share one build through a lock
 * directory; whoever holds it builds, the others wait for dist/server.js.
 */
export function ensureBackendBuilt(): Promise<void> {
  building ??= (async () => {
    if (existsSync(builtServer)) return;
    const lock = join(
      tmpdir(),
      `movies-backend-build-${Buffer.from(backendDir).toString('hex').slice(-24)}.lock`,
    );
    if (!(await takeBuildLock(lock))) return;
    try {
      if (existsSync(builtServer)) return;
      const scripts = JSON.parse(readFileSync(join(backendDir, 'package.json'), 'utf8')).scripts ?? {};
      if (!scripts.build)
        throw new Error('apps/backend has no build script, so dist/server.js cannot be built');
      await execFileAsync('pnpm', ['--filter', '@movies/backend', 'build'], { cwd: backendDir });
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

function spawnBackend(options: BackendOptions, port: number): { child: ChildProcess; output: () => string } {
  const tail: string[] = [];
  const keep = (chunk: Buffer) => {
    tail.push(chunk.toString('utf8'));
    if (tail.length > 20) tail.shift();
  };
  const child = spawn(process.execPath, [builtServer], {
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
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { child, output: () => tail.join('').trim().slice(-2000) };
}

/** SIGTERM, SIGKILL after STOP_TIMEOUT_MS, and resolve once the process has exited. */
async function stopChild(child: ChildProcess): Promise<void> {
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(killer);
}

/** One real backend process serving the catalogue of `version`. */
export async function startBackend(options: BackendOptions): Promise<BackendProcess> {
  await ensureBackendBuilt();
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;

  const start = async () => {
    if (child) return;
    const spawned = spawnBackend(options, port);
    running.add(spawned.child);
    spawned.child.once('exit', () => {
      running.delete(spawned.child);
      if (child === spawned.child) child = undefined;
    });
    child = spawned.child;
    try {
      await waitForHttp(`${url}/readyz`, {
        what: `backend ${options.version} at ${url}`,
        child: spawned.child,
        output: spawned.output,
        timeoutMs: READY_TIMEOUT_MS,
      });
    } catch (error) {
      spawned.child.kill('SIGKILL');
      throw error;
    }
  };

  const stop = async () => {
    if (child) await stopChild(child);
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
