import { isAxiosError } from 'axios';
import { apiClient, readServedBy } from '../../../lib/api-client';
import type { TrafficSample } from '../lib/traffic-recorder';

/** One traffic-panel request: GET /api/ (the backend's identity), timed, never throwing. */
export async function probeBackend(signal?: AbortSignal): Promise<TrafficSample | null> {
  const started = performance.now();
  try {
    const response = await apiClient.get<{ version?: unknown }>('/', { signal, timeout: 10_000 });
    const bodyVersion = typeof response.data?.version === 'string' ? response.data.version : null;
    const version = readServedBy(response).version ?? bodyVersion;
    return { at: Date.now(), version, ok: true, latencyMs: performance.now() - started };
  } catch (error) {
    if (signal?.aborted) return null;
    const version = isAxiosError(error) && error.response ? readServedBy(error.response).version : null;
    return { at: Date.now(), version, ok: false, latencyMs: performance.now() - started };
  }
}
