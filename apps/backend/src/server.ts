import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '@movies/contracts/errors';
import dotenv from 'dotenv';
import { pino } from 'pino';
import { createApp } from './app.js';
import { CatalogueLoadError, loadCatalogue } from './catalogue/load.js';
import { loadConfig } from './config.js';
import { Readiness } from './health/health-router.js';
import { BundledMovieSource, type MovieSource } from './movies/movie-source.js';
import { createLogger } from './observability/logger.js';
import { TmdbClient } from './tmdb/tmdb-client.js';
import { TmdbMovieSource } from './tmdb/tmdb-movie-source.js';

/** Start-up failures are one plain line on stderr and a non-zero exit: easy to read in `kubectl logs`. */
function die(message: string): never {
  process.stderr.write(`${message.replace(/\s*\n\s*/g, ' ')}\n`);
  process.exit(1);
}

function main(): void {
  dotenv.config({ quiet: true });

  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof AppError && error.code === 'CONFIG_INVALID') die(error.message);
    throw error;
  }

  let catalogue: ReturnType<typeof loadCatalogue>;
  try {
    catalogue = loadCatalogue(config.dataDir);
  } catch (error) {
    if (error instanceof CatalogueLoadError) die(error.message);
    throw error;
  }

  // Asynchronous stdout: under load, log lines are batched into fewer writes instead of one syscall each.
  const logDestination = pino.destination({ dest: 1, sync: false });
  process.on('exit', () => logDestination.flushSync());
  const logger = createLogger(
    {
      level: config.logLevel,
      base: { service: 'movie-backend', version: config.serviceVersion, catalogue: catalogue.name },
    },
    logDestination,
  );
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception');
    process.exit(1);
  });
  process.on('unhandledRejection', (reason) => {
    logger.fatal({ err: reason }, 'unhandled rejection');
    process.exit(1);
  });

  const bundled = new BundledMovieSource(catalogue);
  const source: MovieSource = config.tmdb
    ? new TmdbMovieSource(new TmdbClient(config.tmdb), catalogue, bundled, logger)
    : bundled;
  const readiness = new Readiness();
  const app = createApp({ config, catalogue, source, logger, readiness });

  const server = app.listen(config.port, (error?: Error) => {
    if (error) {
      logger.fatal({ err: error }, 'cannot listen');
      process.exit(1);
    }
    readiness.markLoaded();
    const { port } = server.address() as AddressInfo;
    logger.info(
      { port, dataDir: config.dataDir, movies: catalogue.size, source: source.currentSource },
      'listening',
    );
  });

  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    if (!server.listening) {
      // Signalled while still starting: nothing to drain.
      logger.info({ signal }, 'stopped before listening');
      process.exit(0);
    }
    const { delayMs, timeoutMs } = config.shutdown;
    // The hard bound runs from the signal, so the whole shutdown never outlives SHUTDOWN_TIMEOUT_MS.
    setTimeout(() => {
      logger.warn({ timeoutMs }, 'shutdown bound reached; closing remaining connections');
      server.closeAllConnections();
      process.exit(1);
    }, timeoutMs).unref();

    // Keep serving while readiness is 503, so the mesh stops routing here before the listener goes away.
    readiness.startDraining();
    logger.info({ signal, delayMs, timeoutMs }, 'draining');
    await sleep(delayMs);
    server.close(() => {
      logger.info('stopped');
      process.exit(0);
    });
    // Keep-alive sockets that finish their last in-flight request become idle; close them as they do.
    setInterval(() => server.closeIdleConnections(), 100).unref();
  };
  process.on('SIGTERM', (signal) => void shutdown(signal));
  process.on('SIGINT', (signal) => void shutdown(signal));
}

main();
