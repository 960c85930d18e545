import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { waitFor } from '@movies/testkit';
import { type AppDeps, createApp } from '../src/app.js';
import type { Catalogue } from '../src/catalogue/catalogue.js';
import { loadCatalogue } from '../src/catalogue/load.js';
import { Readiness } from '../src/health/health-router.js';
import { BundledMovieSource, type MovieSource } from '../src/movies/movie-source.js';
import { createLogger, type Logger } from '../src/observability/logger.js';
import { TmdbClient, type TmdbClientOptions } from '../src/tmdb/tmdb-client.js';
import { TmdbMovieSource } from '../src/tmdb/tmdb-movie-source.js';
import { FAKE_V3_KEY } from './fake-tmdb-server.js';

export const BACKEND_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const FIXTURES = path.join(BACKEND_ROOT, 'test', 'fixtures');
export const fixtureDir = (name: string) => path.join(FIXTURES, name);
export const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** Every process a test starts, so none outlives the test run even when a test times out or the worker dies. */
const liveChildren = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL');
});
export function trackChild<T extends ChildProcess>(child: T): T {
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  return child;
}
const SERVER_ENTRY = path.join(BACKEND_ROOT, 'src', 'server.ts');

export function fixtureCatalogue(name: 'bollywood' | 'hollywood' = 'bollywood'): Catalogue {
  return loadCatalogue(fixtureDir(name));
}

/** A logger whose JSON lines land in an array, so tests can read exactly what would be logged. */
export function memoryLogger(level = 'info'): {
  logger: Logger;
  lines: () => Record<string, unknown>[];
  raw: () => string;
} {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(String(chunk));
      callback();
    },
  });
  const logger = createLogger({ level }, stream);
  const raw = () => chunks.join('');
  const lines = () =>
    raw()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines, raw };
}

export interface TestAppOptions {
  catalogue?: Catalogue;
  source?: MovieSource;
  serviceVersion?: string;
  faults?: { delayMs: number; errorRate: number; seed?: number };
  random?: () => number;
  ready?: boolean;
  corsOrigin?: string;
}

export function testApp(options: TestAppOptions = {}) {
  const catalogue = options.catalogue ?? fixtureCatalogue('bollywood');
  const readiness = new Readiness();
  if (options.ready ?? true) readiness.markLoaded();
  const log = memoryLogger();
  const deps: AppDeps = {
    config: {
      serviceVersion: options.serviceVersion ?? 'v1',
      corsOrigin: options.corsOrigin ?? '*',
      faults: options.faults ?? { delayMs: 0, errorRate: 0 },
    },
    catalogue,
    source: options.source ?? new BundledMovieSource(catalogue),
    logger: log.logger,
    readiness,
    random: options.random,
  };
  return { app: createApp(deps), readiness, log, catalogue };
}

export interface RunningServer {
  child: ChildProcess;
  port: number;
  url: string;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop: () => Promise<void>;
}

/** Runs src/server.ts as a real process (through tsx), the way `pnpm dev` does. */
export function runServerProcess(env: Record<string, string>): {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
} {
  const child = trackChild(
    spawn(process.execPath, ['--import', TSX_LOADER, SERVER_ENTRY], {
      // A clean environment and a cwd without a .env: nothing from the developer's setup leaks into the test.
      cwd: os.tmpdir(),
      env: { PATH: process.env.PATH ?? '', PORT: '0', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk) => {
    out += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    err += String(chunk);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** The port of the server's "listening" log line, or 0 while it has logged none. */
function listeningPort(stdout: string): number {
  const listening = stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      try {
        return JSON.parse(line) as { msg?: string; port?: number };
      } catch {
        return {};
      }
    })
    .find((line) => line.msg === 'listening');
  return listening?.port ?? 0;
}

/** Runs src/server.ts on a port it picks itself (PORT=0) and resolves once it logs which one. */
export async function startServer(env: Record<string, string>, timeoutMs = 20_000): Promise<RunningServer> {
  const proc = runServerProcess(env);
  let port = 0;
  try {
    await waitFor(
      () => {
        port = listeningPort(proc.stdout());
        if (!port && proc.child.exitCode !== null) throw new Error(`server exited early: ${proc.stderr()}`);
        return port > 0;
      },
      () => `the server to log "listening" (server did not start: ${proc.stderr()})`,
      { timeoutMs },
    );
  } catch (error) {
    proc.child.kill('SIGKILL');
    throw error;
  }
  const stop = async () => {
    if (proc.child.exitCode === null && proc.child.signalCode === null) {
      proc.child.kill('SIGKILL');
      await proc.exited;
    }
  };
  return { ...proc, port, url: `http://127.0.0.1:${port}`, stop };
}

export type TmdbAppOptions = Partial<TmdbClientOptions> & { catalogue?: Catalogue; serviceVersion?: string };

/** The app in TMDB mode: a TMDB client for `baseUrl` (the fake TMDB server) with the bundled source as fallback. */
export function tmdbAppOn(baseUrl: string, options: TmdbAppOptions = {}) {
  const catalogue = options.catalogue ?? fixtureCatalogue('bollywood');
  const log = memoryLogger();
  const client = new TmdbClient({
    apiKey: FAKE_V3_KEY,
    baseUrl,
    timeoutMs: 400,
    cacheTtlMs: 60_000,
    cacheMax: 100,
    ...options,
  });
  const source = new TmdbMovieSource(client, catalogue, new BundledMovieSource(catalogue), log.logger);
  const { app } = testApp({ catalogue, source, serviceVersion: options.serviceVersion });
  const warnings = () => log.lines().filter((line) => line.level === 'warn');
  return { app, log, warnings, client, catalogue };
}
