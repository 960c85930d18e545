/**
 * Maps a VirtualService destination (host short name + subset) to a local upstream URL — the part of the mesh
 * that Kubernetes Services and DestinationRule subsets play on a cluster.
 */
import { originUrlSchema } from '@movies/contracts/env';
import { AppError } from '@movies/contracts/errors';
import { type Destination, shortHost } from '@movies/mesh';
import { z } from 'zod';

/** Keys are `<host short name>/<subset>` for subset destinations and `<host short name>` otherwise. */
export type UpstreamMap = Record<string, string>;

/** The `pnpm dev` layout: backend v1 on :8001, v2 on :8002, the Vite dev server on :5173. */
export const defaultUpstreams: Readonly<UpstreamMap> = Object.freeze({
  'movie-backend/v1': 'http://127.0.0.1:8001',
  'movie-backend/v2': 'http://127.0.0.1:8002',
  'movie-frontend': 'http://127.0.0.1:5173',
});

/** Environment shortcuts for the three usual upstreams; MESH_UPSTREAMS (JSON) can name any key. */
export const upstreamEnvShortcuts = Object.freeze({
  MESH_UPSTREAM_V1: 'movie-backend/v1',
  MESH_UPSTREAM_V2: 'movie-backend/v2',
  MESH_UPSTREAM_FRONTEND: 'movie-frontend',
} as const);

export class UpstreamError extends AppError {
  override name = 'UpstreamError';
  constructor(message: string) {
    super('MESH_BAD_UPSTREAMS', message);
  }
}

const upstreamKeyPattern = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\/[A-Za-z0-9][-A-Za-z0-9_.]*)?$/;

/** Keys checked here; each URL by the same rule as MESH_UPSTREAM_V1 and the other shortcuts (@movies/contracts/env). */
export const upstreamMapSchema = z.record(z.string(), originUrlSchema).superRefine((map, context) => {
  for (const key of Object.keys(map)) {
    if (!upstreamKeyPattern.test(key)) {
      context.addIssue({
        code: 'custom',
        path: [key],
        message: `"${key}" is not an upstream key: use "<host>" or "<host>/<subset>", e.g. "movie-backend/v1"`,
      });
    }
  }
});

/** Defaults overlaid with the given mapping; every URL is validated and normalised to its origin. */
export function resolveUpstreams(overrides: UpstreamMap = {}): UpstreamMap {
  const parsed = upstreamMapSchema.safeParse({ ...defaultUpstreams, ...overrides });
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || 'upstreams'}: ${issue.message}`,
    );
    throw new UpstreamError(`invalid upstreams: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/** The mapping key of a destination: "movie-backend/v1", or "movie-frontend" without a subset. */
export function upstreamKey(destination: Destination): string {
  const host = shortHost(destination.host);
  return destination.subset ? `${host}/${destination.subset}` : host;
}

/** The upstream origin for a destination, or undefined when the mapping has none. */
export function upstreamFor(upstreams: UpstreamMap, destination: Destination): string | undefined {
  return upstreams[upstreamKey(destination)];
}
