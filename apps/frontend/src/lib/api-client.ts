import axios, { type AxiosRequestConfig, type AxiosResponse, isAxiosError } from 'axios';
import type { ApiResult, ServedBy } from '../types/api';
import { recordServedBy } from './backend-version-store';
import { premiumStore } from './premium-store';

/** The one HTTP client of the UI. Relative `/api` URLs: Vite, the local gateway or Istio route them. */
export const apiClient = axios.create({
  baseURL: '/api',
  // Generous: fault-injected delays must show as "slow", not as errors.
  timeout: 30_000,
  headers: { Accept: 'application/json' },
});

export const premiumHeader = { name: 'x-user-type', value: 'premium' } as const;

apiClient.interceptors.request.use((config) => {
  if (premiumStore.get()) config.headers.set(premiumHeader.name, premiumHeader.value);
  return config;
});

apiClient.interceptors.response.use(
  (response) => {
    recordServedBy(readServedBy(response));
    return response;
  },
  (error: unknown) => {
    if (isAxiosError(error) && error.response) recordServedBy(readServedBy(error.response));
    return Promise.reject(error);
  },
);

function headerValue(response: AxiosResponse, name: string): string | null {
  const value: unknown = response.headers[name];
  return typeof value === 'string' && value !== '' ? value : null;
}

export function readServedBy(response: AxiosResponse): ServedBy {
  return {
    version: headerValue(response, 'x-backend-version'),
    catalogue: headerValue(response, 'x-catalogue'),
  };
}

export async function apiGet<T>(url: string, config?: AxiosRequestConfig): Promise<ApiResult<T>> {
  const response = await apiClient.get<T>(url, config);
  return { data: response.data, servedBy: readServedBy(response) };
}

/** A failed API call in one shape for the UI: HTTP status (null when no response) and a readable message. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly code: string | null,
    readonly servedBy: ServedBy | null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (isAxiosError(error)) {
    const response = error.response;
    if (!response) {
      const message =
        error.code === 'ECONNABORTED' ? 'The request timed out.' : 'The API could not be reached.';
      return new ApiError(message, null, error.code ?? null, null);
    }
    const body: unknown = response.data;
    const apiError =
      typeof body === 'object' && body !== null && 'error' in body
        ? (body as { error?: { code?: unknown; message?: unknown } }).error
        : undefined;
    const message =
      typeof apiError?.message === 'string'
        ? apiError.message
        : typeof body === 'string' && body.trim() !== '' && body.length < 200
          ? body.trim()
          : `The API answered ${response.status}.`;
    const code = typeof apiError?.code === 'string' ? apiError.code : null;
    return new ApiError(message, response.status, code, readServedBy(response));
  }
  return new ApiError(error instanceof Error ? error.message : String(error), null, null, null);
}

export function isCancel(error: unknown): boolean {
  return axios.isCancel(error) || (error instanceof DOMException && error.name === 'AbortError');
}
