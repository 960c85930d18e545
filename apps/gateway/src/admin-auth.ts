/**
 * Who may change the routing (PUT /__mesh). On loopback, whoever is at this machine: nothing to present. Bound to
 * any other address, the network can reach the gateway, so a change needs the admin token — GATEWAY_TOKEN, or one
 * the gateway makes and prints once at start-up, as Jupyter does — in `authorization: Bearer <token>`. Reading
 * (GET) stays open. Either way a change must say `content-type: application/json`: a browser sends that
 * cross-origin only after a CORS preflight, which the gateway never grants, whereas a text/plain or form body
 * would go out from any page without asking.
 */

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { AppError } from '@movies/contracts/errors';
import { TOKEN_VARIABLE } from '@movies/contracts/gateway-access';
import { MESH_PATH } from '@movies/contracts/names';

/** True when only this machine can connect: localhost, 127.0.0.0/8 or ::1 (also as an IPv4-mapped address). */
export function isLoopbackBind(host: string): boolean {
  const address = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  if (address === 'localhost' || address === '::1') return true;
  const v4 = address.replace(/^::ffff:/, '');
  return isIP(v4) === 4 && v4.startsWith('127.');
}

/**
 * The token changes need: the configured one when given (then required on loopback too), else a fresh one when
 * the gateway listens beyond loopback, else none.
 */
export function adminToken(host: string, configured: string | undefined): string | undefined {
  if (configured !== undefined) return configured;
  return isLoopbackBind(host) ? undefined : randomBytes(24).toString('hex');
}

const digest = (text: string) => createHash('sha256').update(text).digest();

function presentsToken(req: IncomingMessage, token: string): boolean {
  const match = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? '');
  // Compared as digests: equal lengths for timingSafeEqual, and no timing hint about the token's length.
  return match?.[1] !== undefined && timingSafeEqual(digest(match[1]), digest(token));
}

/** Undefined when the request may change the routing; else why not (401 before 415: the token comes first). */
export function checkChange(req: IncomingMessage, token: string | undefined): AppError | undefined {
  if (token !== undefined && !presentsToken(req, token)) {
    return new AppError(
      'UNAUTHORIZED',
      `PUT ${MESH_PATH} needs the gateway's admin token (printed when it started, or ${TOKEN_VARIABLE} if set there): ` +
        `send "authorization: Bearer <token>"; pnpm traffic and canary.sh --local send $${TOKEN_VARIABLE}`,
      { headers: { 'www-authenticate': `Bearer realm="${MESH_PATH}"` } },
    );
  }
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    return new AppError(
      'UNSUPPORTED_MEDIA_TYPE',
      `PUT ${MESH_PATH} takes content-type: application/json (got ${type ? JSON.stringify(req.headers['content-type']) : 'none'})`,
    );
  }
  return undefined;
}

/**
 * What start-up prints about the token: the made-up one once (it is nowhere else), a given one only by name;
 * nothing when changes need none.
 */
export function adminTokenLines(token: string | undefined, given: boolean, host: string): string[] {
  if (token === undefined) return [];
  const shown = given ? `$${TOKEN_VARIABLE}` : token;
  return [
    `admin token: ${shown} — listening on ${host}, routing changes (PUT ${MESH_PATH}) need it; reading does not.`,
    `  pnpm traffic set and canary.sh --local send it from the environment: export ${TOKEN_VARIABLE}=${shown}`,
    `  curl: -H "authorization: Bearer ${shown}"`,
  ];
}
