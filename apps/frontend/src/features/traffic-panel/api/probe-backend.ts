import { type AxiosRequestConfig, type AxiosResponse, isAxiosError } from 'axios';
import { apiClient, readServedBy } from '../../../lib/api-client';
import type { TrafficSample } from '../lib/traffic-recorder';

/** How a probe goes out: as a brand-new visitor (no cookie), or carrying this browser's cookie. */
export type ProbeAs = 'new-visitor' | 'cookie-jar';

const probeConfig: Record<ProbeAs, AxiosRequestConfig> = {
  // fetch with `credentials: 'omit'`: the movie-version cookie is neither sent nor stored, so every request is a
  // fresh draw by the weights — the per-request split (what curl sees).
  'new-visitor': { adapter: 'fetch', withCredentials: false },
  // The browser's cookie jar, which the visitors simulation hands from one simulated visitor to the next.
  'cookie-jar': {},
};

function versionOf(response: AxiosResponse): string | null {
  const body: unknown = response.data;
  const bodyVersion =
    typeof body === 'object' && body !== null && 'version' in body && typeof body.version === 'string'
      ? body.version
      : null;
  // x-mesh-subset: the local gateway names the subset even when the backend's own answer did not.
  const subset = response.headers['x-mesh-subset'];
  return readServedBy(response).version ?? bodyVersion ?? (typeof subset === 'string' ? subset : null);
}

/** One traffic-panel request: GET /api/ (the backend's identity), timed, never throwing. */
export async function probeBackend(as: ProbeAs, signal?: AbortSignal): Promise<TrafficSample | null> {
  const started = performance.now();
  try {
    // An absolute URL: the fetch adapter hands it to fetch() as is.
    const response = await apiClient.get<unknown>(new URL('/api/', window.location.href).href, {
      ...probeConfig[as],
      signal,
      timeout: 10_000,
      outsideVisit: true,
    });
    return { at: Date.now(), version: versionOf(response), ok: true, latencyMs: performance.now() - started };
  } catch (error) {
    if (signal?.aborted) return null;
    const response = isAxiosError(error) ? error.response : undefined;
    const version = response ? versionOf(response) : null;
    return { at: Date.now(), version, ok: false, latencyMs: performance.now() - started };
  }
}
