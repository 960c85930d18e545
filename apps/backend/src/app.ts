import { CATALOGUE_HEADER, IDENTITY_HEADERS, VERSION_HEADER } from '@movies/contracts/names';
import { seededRandom } from '@movies/contracts/random';
import express, { type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import type { Catalogue } from './catalogue/catalogue.js';
import type { Config } from './config.js';
import { detailErrors, errorHandler, notFoundHandler } from './errors.js';
import { demoFaults } from './faults/demo-faults.js';
import { healthRouter, type Readiness } from './health/health-router.js';
import type { MovieSource } from './movies/movie-source.js';
import { moviesRouter } from './movies/movies-router.js';
import type { Logger } from './observability/logger.js';
import { createMetrics, type Metrics } from './observability/metrics.js';
import { requestLogger } from './observability/request-logger.js';
import { PROPAGATED_HEADERS } from './observability/trace-headers.js';
import { ORIGINAL_API_PATHS, originalApiRouter } from './original-api/original-api-router.js';

export interface AppDeps {
  config: Pick<Config, 'serviceVersion' | 'corsOrigin' | 'faults'>;
  catalogue: Catalogue;
  source: MovieSource;
  logger: Logger;
  readiness: Readiness;
  metrics?: Metrics;
  /** Injectable so tests can make FAULT_ERROR_RATE deterministic. */
  random?: () => number;
}

const EXPOSED_HEADERS = IDENTITY_HEADERS.join(', ');
const ALLOWED_REQUEST_HEADERS = ['content-type', ...PROPAGATED_HEADERS].join(', ');
const PROBE_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * helmet's headers are the same for every response (no per-request nonces here), so they are computed once by
 * running its middleware against a recording response, then set with the identity headers: one loop per request
 * instead of a dozen middleware calls.
 */
/** FAULT_SEED makes FAULT_ERROR_RATE's draws repeat from run to run; unset, they are Math.random's. */
function faultDraws(seed: number | undefined): () => number {
  return seed === undefined ? Math.random : seededRandom(seed);
}

function securityHeaders(): [string, string][] {
  const headers: [string, string][] = [];
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => {
      headers.push([name.toLowerCase(), String(value)]);
    },
    removeHeader: () => undefined,
  };
  helmet({ crossOriginResourcePolicy: { policy: 'cross-origin' } })(
    {} as never,
    recorder as never,
    (error?: unknown) => {
      if (error) throw error;
    },
  );
  return headers;
}

/** Builds the Express app from its dependencies; no I/O, no listening, no globals — server.ts does that. */
export function createApp(deps: AppDeps): Express {
  const { config, catalogue, readiness, logger } = deps;
  const metrics =
    deps.metrics ?? createMetrics({ version: config.serviceVersion, catalogue: catalogue.name });
  const app = express();
  app.disable('x-powered-by');
  // Every answer must reach the mesh (a cached 304 would hide which version served it), so no ETags.
  app.set('etag', false);

  // First, so that every response — errors and 404s included — says which version and catalogue answered.
  const identityHeaders: [string, string][] = [
    [VERSION_HEADER, config.serviceVersion],
    [CATALOGUE_HEADER, catalogue.name],
    ['access-control-allow-origin', config.corsOrigin],
    ['access-control-expose-headers', EXPOSED_HEADERS],
    ['cache-control', 'no-store'],
  ];
  if (config.corsOrigin !== '*') identityHeaders.push(['vary', 'Origin']);
  identityHeaders.push(...securityHeaders());
  const identify: RequestHandler = (_req, res, next) => {
    for (const [name, value] of identityHeaders) res.setHeader(name, value);
    if (readiness.isDraining) res.setHeader('connection', 'close');
    next();
  };
  app.use(identify);

  // Kubelet probes and Prometheus scrapes would drown the request log.
  app.use(requestLogger(logger, { ignorePaths: PROBE_PATHS }));
  app.use(metrics.middleware);

  // Before any route with a parameter: a malformed %-escape fails there, and must fail in these paths' shape.
  app.use(ORIGINAL_API_PATHS, detailErrors);

  app.options('/{*path}', (_req, res) => {
    res
      .set({
        'access-control-allow-methods': 'GET, HEAD, OPTIONS',
        'access-control-allow-headers': ALLOWED_REQUEST_HEADERS,
        'access-control-max-age': '600',
      })
      .status(204)
      .end();
  });

  app.use(healthRouter({ readiness, registry: metrics.registry }));
  app.use(
    demoFaults({ ...config.faults, random: deps.random ?? faultDraws(config.faults.seed) }),
    // Before ours: GET /movies/:id would read /movies/search and /movies/all-genres as movie ids.
    originalApiRouter({ catalogue, source: deps.source }),
    moviesRouter({ catalogue, source: deps.source, serviceVersion: config.serviceVersion }),
  );

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
