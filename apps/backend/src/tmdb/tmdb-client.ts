import axios, { type AxiosInstance, isAxiosError } from 'axios';
import { LRUCache } from 'lru-cache';
import type { z } from 'zod';
import type { PropagatedHeaders } from '../observability/trace-headers.js';

export type TmdbFailureKind =
  | 'timeout'
  | 'unauthorized'
  | 'rate_limited'
  | 'server_error'
  | 'http_error'
  | 'bad_response'
  | 'network';

/** TMDB's answer (its kind and HTTP status), for the fallback to bundled data; never sent to a client as it is. */
export class TmdbError extends Error {
  override name = 'TmdbError';
  constructor(
    readonly kind: TmdbFailureKind | 'not_found',
    readonly status?: number,
  ) {
    super(status ? `TMDB ${kind} (HTTP ${status})` : `TMDB ${kind}`);
  }
}

export interface TmdbClientOptions {
  apiKey: string;
  baseUrl: string;
  timeoutMs: number;
  cacheTtlMs: number;
  cacheMax: number;
}

export type QueryParams = Record<string, string | number | boolean | undefined>;

/**
 * TMDB accepts a v3 API key as the api_key query parameter and a v4 read access token (a JWT) as a bearer token.
 * JWTs always have three dot-separated parts; v3 keys are 32 hex characters.
 */
export function isV4Token(key: string): boolean {
  return key.split('.').length === 3;
}

function cacheKey(path: string, params: QueryParams): string {
  const sorted = Object.entries(params)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => `${name}=${String(value)}`)
    .join('&');
  return `${path}?${sorted}`;
}

/** A small TMDB v3 client: bounded time per call, an LRU + TTL cache of good answers, typed failures. */
export class TmdbClient {
  private readonly http: AxiosInstance;
  private readonly cache: LRUCache<string, object>;
  private readonly useBearer: boolean;

  constructor(private readonly options: TmdbClientOptions) {
    this.useBearer = isV4Token(options.apiKey);
    this.http = axios.create({
      baseURL: `${options.baseUrl}/`,
      timeout: options.timeoutMs,
      // Parse ourselves so a non-JSON body is a typed failure rather than a string slipping through.
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      maxRedirects: 0,
      headers: { accept: 'application/json' },
    });
    this.cache = new LRUCache({ max: options.cacheMax, ttl: Math.max(options.cacheTtlMs, 1) });
  }

  get cacheSize(): number {
    return this.cache.size;
  }

  async get<S extends z.ZodType<object>>(
    path: string,
    params: QueryParams,
    schema: S,
    trace: PropagatedHeaders = {},
  ): Promise<z.infer<S>> {
    const key = cacheKey(path, params);
    if (this.options.cacheTtlMs > 0) {
      const hit = this.cache.get(key);
      if (hit) return hit as z.infer<S>;
    }
    const body = await this.fetch(path, params, trace);
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new TmdbError('bad_response');
    if (this.options.cacheTtlMs > 0) this.cache.set(key, parsed.data);
    return parsed.data;
  }

  private async fetch(path: string, params: QueryParams, trace: PropagatedHeaders): Promise<unknown> {
    const headers: Record<string, string> = { ...trace };
    const query: QueryParams = { ...params };
    if (this.useBearer) headers.authorization = `Bearer ${this.options.apiKey}`;
    else query.api_key = this.options.apiKey;

    let response: { status: number; data: unknown };
    try {
      response = await this.http.get(path.replace(/^\//, ''), {
        params: query,
        headers,
        // `timeout` bounds socket inactivity; the signal bounds the whole exchange, a slow drip included.
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      // Deliberately not rethrowing the axios error: its config holds the key.
      const code = isAxiosError(error) ? error.code : undefined;
      const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === 'ERR_CANCELED';
      throw new TmdbError(timedOut ? 'timeout' : 'network');
    }
    const { status } = response;
    if (status === 401 || status === 403) throw new TmdbError('unauthorized', status);
    if (status === 404) throw new TmdbError('not_found', status);
    if (status === 429) throw new TmdbError('rate_limited', status);
    if (status >= 500) throw new TmdbError('server_error', status);
    if (status !== 200) throw new TmdbError('http_error', status);
    try {
      return JSON.parse(String(response.data));
    } catch {
      throw new TmdbError('bad_response', status);
    }
  }
}
