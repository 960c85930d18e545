import path from 'node:path';
import {
  blankAsUnset,
  integerVariable as integer,
  parseEnv,
  portVariable,
  variable,
} from '@movies/contracts/env';
import { z } from 'zod';

/** Catalogues shipped in apps/backend/data/; DATA_DIR may also be an absolute path to a directory. */
export const BUNDLED_CATALOGUES = ['bollywood-data', 'hollywood-data'] as const;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const DEFAULT_TMDB_BASE_URL = 'https://api.themoviedb.org/3';

const dataDirMessage = `DATA_DIR must be one of ${BUNDLED_CATALOGUES.join(', ')} or an absolute path to a directory holding catalogue.json`;

const envShape = {
  PORT: portVariable('PORT', 8000),
  DATA_DIR: z.preprocess(
    blankAsUnset,
    z
      .string()
      .refine(
        (value) =>
          (BUNDLED_CATALOGUES as readonly string[]).includes(value) ||
          // Absolute paths only, and already normalised: "/data/../etc" is refused rather than resolved.
          (path.isAbsolute(value) && path.normalize(value) === value && !value.includes('\0')),
        dataDirMessage,
      )
      .default('bollywood-data'),
  ),
  SERVICE_VERSION: z.preprocess(
    blankAsUnset,
    z
      .string()
      .regex(/^v\d{1,3}$/, 'SERVICE_VERSION must look like v1, v2, … (the pod’s version label)')
      .default('v1'),
  ),
  TMDB_API_KEY: z.preprocess(
    blankAsUnset,
    z
      .string()
      .regex(/^[A-Za-z0-9._-]{16,1024}$/, 'TMDB_API_KEY must be a TMDB v3 API key or v4 read access token')
      .optional(),
  ),
  TMDB_BASE_URL: z.preprocess(
    blankAsUnset,
    z
      .url({ protocol: /^https?$/, error: 'TMDB_BASE_URL must be an http(s) URL' })
      .transform((value) => value.replace(/\/+$/, ''))
      .default(DEFAULT_TMDB_BASE_URL),
  ),
  TMDB_TIMEOUT_MS: integer('TMDB_TIMEOUT_MS', 1, 60_000, 2000),
  TMDB_CACHE_TTL_MS: integer('TMDB_CACHE_TTL_MS', 0, 86_400_000, 300_000),
  TMDB_CACHE_MAX: integer('TMDB_CACHE_MAX', 1, 100_000, 500),
  LOG_LEVEL: z.preprocess(
    blankAsUnset,
    z.enum(LOG_LEVELS, { error: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  ),
  CORS_ORIGIN: z.preprocess(
    blankAsUnset,
    z
      .string()
      .regex(/^(\*|https?:\/\/[^\s,]+)$/, 'CORS_ORIGIN must be * or one origin such as http://localhost:5173')
      .default('*'),
  ),
  FAULT_ERROR_RATE: z.preprocess(
    blankAsUnset,
    z
      .string()
      .regex(/^(0(\.\d+)?|1(\.0+)?|\.\d+)$/, 'FAULT_ERROR_RATE must be a number from 0 to 1')
      .transform(Number)
      .default(0),
  ),
  FAULT_DELAY_MS: integer('FAULT_DELAY_MS', 0, 60_000, 0),
  // Unset: FAULT_ERROR_RATE draws from Math.random. Set: the same draws on every run (tests, rehearsed demos).
  FAULT_SEED: variable(
    z
      .string()
      .regex(/^\d{1,10}$/, 'FAULT_SEED must be an integer from 0 to 4294967295')
      .transform(Number)
      .pipe(z.number().max(4_294_967_295, 'FAULT_SEED must be an integer from 0 to 4294967295'))
      .optional(),
  ),
  SHUTDOWN_DELAY_MS: integer('SHUTDOWN_DELAY_MS', 0, 60_000, 2000),
  SHUTDOWN_TIMEOUT_MS: integer('SHUTDOWN_TIMEOUT_MS', 100, 120_000, 10_000),
};

export type Env = z.input<z.ZodObject<typeof envShape>>;

export interface Config {
  port: number;
  dataDir: string;
  serviceVersion: string;
  logLevel: (typeof LOG_LEVELS)[number];
  corsOrigin: string;
  tmdb?: { apiKey: string; baseUrl: string; timeoutMs: number; cacheTtlMs: number; cacheMax: number };
  faults: { errorRate: number; delayMs: number; seed?: number };
  shutdown: { delayMs: number; timeoutMs: number };
}

/** Parses the environment; throws one CONFIG_INVALID AppError whose message is a single line naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const e = parseEnv(envShape, env, { what: 'Invalid configuration', secret: ['TMDB_API_KEY'] });
  return {
    port: e.PORT,
    dataDir: e.DATA_DIR,
    serviceVersion: e.SERVICE_VERSION,
    logLevel: e.LOG_LEVEL,
    corsOrigin: e.CORS_ORIGIN,
    tmdb: e.TMDB_API_KEY
      ? {
          apiKey: e.TMDB_API_KEY,
          baseUrl: e.TMDB_BASE_URL,
          timeoutMs: e.TMDB_TIMEOUT_MS,
          cacheTtlMs: e.TMDB_CACHE_TTL_MS,
          cacheMax: e.TMDB_CACHE_MAX,
        }
      : undefined,
    faults: { errorRate: e.FAULT_ERROR_RATE, delayMs: e.FAULT_DELAY_MS, seed: e.FAULT_SEED },
    shutdown: { delayMs: e.SHUTDOWN_DELAY_MS, timeoutMs: e.SHUTDOWN_TIMEOUT_MS },
  };
}
