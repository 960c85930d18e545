import { CATALOGUE_HEADER, PREMIUM_HEADER, VERSION_HEADER } from '@movies/contracts/names';
import axios, {
  type AxiosRequestConfig,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
  isAxiosError,
} from 'axios';
import type { ApiResult, ServedBy } from '../types/api';
import { learnCatalogue, versionLabel } from './backend-version-store';
import { premiumStore } from './premium-store';
import { enterPinGate, type GateRelease, readPin, syncPin } from './visitor-pin';

declare module 'axios' {
  interface AxiosRequestConfig {
    /**
     * Not part of the visitor's visit (the traffic panel's generator, /__mesh): it skips the one-first-request
     * gate and leaves the pin and the catalogue knowledge alone.
     */
    outsideVisit?: boolean;
  }
}

/**
 * The UI's HTTP client: every request goes through it, so the pin gate and the headers apply to all. Relative
 * `/api` URLs: Vite, the local gateway or Istio route them.
 */
export const apiClient = axios.create({
  baseURL: '/api',
  // Generous: fault-injected delays must show as "slow", not as errors.
  timeout: 30_000,
  // A timeout is ETIMEDOUT, not ECONNABORTED (which an aborted XHR also gives).
  transitional: { clarifyTimeoutError: true },
  headers: { Accept: 'application/json' },
});

/** Per request of the visit: the gate to release and the pin it carried (which version it was meant for). */
const visits = new WeakMap<InternalAxiosRequestConfig, { release: GateRelease; pinnedTo: string | null }>();

apiClient.interceptors.request.use(async (config) => {
  if (premiumStore.get()) config.headers.set(PREMIUM_HEADER.name, PREMIUM_HEADER.value);
  if (config.outsideVisit) return config;
  const release = await enterPinGate();
  visits.set(config, { release, pinnedTo: readPin() });
  return config;
});

function afterAnswer(config: InternalAxiosRequestConfig | undefined, response: AxiosResponse | undefined) {
  const servedBy = response ? readServedBy(response) : null;
  if (servedBy) learnCatalogue(servedBy);
  if (!config || config.outsideVisit) return;
  syncPin();
  visits.get(config)?.release(servedBy?.version ?? null);
}

apiClient.interceptors.response.use(
  (response) => {
    afterAnswer(response.config, response);
    return response;
  },
  (error: unknown) => {
    if (isAxiosError(error)) afterAnswer(error.config, error.response);
    return Promise.reject(error);
  },
);

function headerValue(response: AxiosResponse, name: string): string | null {
  const value: unknown = response.headers[name];
  return typeof value === 'string' && value !== '' ? value : null;
}

export function readServedBy(response: AxiosResponse): ServedBy {
  return {
    version: headerValue(response, VERSION_HEADER),
    catalogue: headerValue(response, CATALOGUE_HEADER),
  };
}

export async function apiGet<T>(url: string, config?: AxiosRequestConfig): Promise<ApiResult<T>> {
  const response = await apiClient.get<T>(url, config);
  return { data: response.data, servedBy: readServedBy(response) };
}

/**
 * A failed API call in one shape for the UI: HTTP status (null when no response) and a readable message. Not an
 * AppError: it carries the answer's code as received, and the UI bundle stays free of the server-side code table.
 */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly code: string | null,
    readonly servedBy: ServedBy | null,
    /** The version the request reached or was meant for (its pin), when known. */
    readonly version: string | null = servedBy?.version ?? null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The version a failed request was for: who answered, else the subset the gateway named, else the pin. */
function versionOf(error: { config?: InternalAxiosRequestConfig; response?: AxiosResponse }): string | null {
  const response = error.response;
  const answered = response ? readServedBy(response).version : null;
  const subset = response ? headerValue(response, 'x-mesh-subset') : null;
  const pinnedTo = error.config ? visits.get(error.config)?.pinnedTo : null;
  // A first request without a pin: the answer may have set one (the mesh pins the version it chose).
  const pinnedNow = error.config && !error.config.outsideVisit ? readPin() : null;
  return answered ?? subset ?? pinnedTo ?? pinnedNow ?? null;
}

function bodyMessage(body: unknown): { message: string | null; code: string | null } {
  if (typeof body === 'object' && body !== null && 'error' in body) {
    const apiError = (body as { error?: { code?: unknown; message?: unknown } }).error;
    return {
      message: typeof apiError?.message === 'string' ? apiError.message : null,
      code: typeof apiError?.code === 'string' ? apiError.code : null,
    };
  }
  const text = typeof body === 'string' ? body.trim() : '';
  return { message: text !== '' && text.length < 200 ? text : null, code: null };
}

/** What the mesh said when no backend answered (Envoy's plain-text answers), naming the version. */
function gatewayMessage(status: number, said: string | null, version: string | null): string {
  const answer = `the gateway returned ${status}${said ? ` ${said}` : ''}`;
  if (said === 'fault filter abort') return `The mesh injected this fault: ${answer} (no version was asked).`;
  if (!version) return `No version answered: ${answer}.`;
  if (status === 504) return `${versionLabel(version)} did not answer in time: ${answer}.`;
  return `${versionLabel(version)} is not answering: ${answer}.`;
}

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (!isAxiosError(error)) {
    return new ApiError(error instanceof Error ? error.message : String(error), null, null, null);
  }
  const version = versionOf(error);
  const response = error.response;
  if (!response) {
    const code = error.code ?? null;
    if (code === 'ETIMEDOUT') {
      const seconds = Math.round((error.config?.timeout ?? 0) / 1000);
      const message = version
        ? `${versionLabel(version)} did not answer within ${seconds} s.`
        : `No answer within ${seconds} s. This visitor had no version yet, so which one the mesh chose is not known.`;
      return new ApiError(message, null, code, null, version);
    }
    return new ApiError('The gateway could not be reached.', null, code, null, version);
  }
  const servedBy = readServedBy(response);
  const { message, code } = bodyMessage(response.data);
  if (!servedBy.version && response.status >= 500) {
    return new ApiError(
      gatewayMessage(response.status, message, version),
      response.status,
      code,
      servedBy,
      version,
    );
  }
  return new ApiError(
    message ?? `The API answered ${response.status}.`,
    response.status,
    code,
    servedBy,
    version,
  );
}

export function isCancel(error: unknown): boolean {
  return axios.isCancel(error) || (error instanceof DOMException && error.name === 'AbortError');
}
