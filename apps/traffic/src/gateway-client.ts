/**
 * The traffic CLI's two calls to the local gateway's admin endpoint: GET /__mesh (its routing state, and the sign
 * that a target is a local gateway at all: ./target.ts) and PUT /__mesh (`set`).
 */
import http from 'node:http';
import https from 'node:https';
import { AppError } from '@movies/contracts/errors';
import { authorizationFor } from '@movies/contracts/gateway-access';
import { type MeshState, meshStateSchema } from '@movies/contracts/mesh-state';
import { MESH_PATH } from '@movies/contracts/names';

/** The target does not answer. The CLI counts it with the errors (exit 2), as its documented verdict says. */
export class TargetError extends AppError {
  override name = 'TargetError';
  constructor(message: string) {
    super('UNAVAILABLE', message);
  }
}

/** One JSON request on a fresh connection (closed afterwards, so a finished command never lingers). */
function requestText(
  url: string,
  method: 'GET' | 'PUT',
  timeoutMs: number,
  body?: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(
      target,
      {
        method,
        agent: false,
        timeout: timeoutMs,
        headers: {
          accept: 'application/json',
          ...headers,
          ...(body === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    request.on('timeout', () =>
      request.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })),
    );
    request.on('error', (error: NodeJS.ErrnoException) =>
      reject(new TargetError(`cannot reach ${target.origin} (${error.code ?? error.message})`)),
    );
    request.end(body);
  });
}

/** GET /__mesh: the state when the target is a local gateway, undefined when it answers but is not one. */
export async function fetchMeshState(baseUrl: string): Promise<MeshState | undefined> {
  const { status, text } = await requestText(`${baseUrl}${MESH_PATH}`, 'GET', 10_000);
  if (status < 200 || status > 299) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = meshStateSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

/** PUT /__mesh, with the admin token when one is given; returns the gateway's error message on a refusal. */
export async function putMesh(
  baseUrl: string,
  body: { overlay: string } | { weights: Record<string, number> },
  token?: string,
): Promise<{ ok: true } | { ok: false; status: number; message: string }> {
  const { status, text } = await requestText(
    `${baseUrl}${MESH_PATH}`,
    'PUT',
    30_000,
    JSON.stringify(body),
    token === undefined ? {} : { authorization: authorizationFor(token) },
  );
  if (status >= 200 && status <= 299) return { ok: true };
  let message = text.trim();
  try {
    const json = JSON.parse(text) as { error?: { message?: string } | string; message?: string };
    message = (typeof json.error === 'string' ? json.error : json.error?.message) ?? json.message ?? message;
  } catch {
    // not JSON: keep the text
  }
  return { ok: false, status, message: message || `HTTP ${status}` };
}
