/**
 * The DNS-rebinding guard, on every path: a page whose name was rebound to this machine's address still sends its
 * own name as Host, so only Host headers a person here would send are answered — localhost, *.localhost, IP
 * addresses, the gateway's own listen name and GATEWAY_ALLOWED_HOSTS. The rule is Vite's server.allowedHosts, by
 * the very library (and version) Vite 8 bundles, so the gateway and the dev server behind it (which sees the same
 * Host) agree; apps/frontend/vite.config.ts reads the same variables through @movies/contracts/gateway-access.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { AppError } from '@movies/contracts/errors';
import { ALLOWED_HOSTS_VARIABLE, allowedHostsFrom } from '@movies/contracts/gateway-access';
import { isHostAllowed } from 'host-validation-middleware';
import { z } from 'zod';
import { sendError, sendText } from './http-io.js';

/** Host names allowed beyond localhost, *.localhost and IP addresses; true allows any Host. */
export type AllowedHosts = readonly string[] | true;

/** GATEWAY_ALLOWED_HOSTS in the gateway's environment schema (its value is checked here, used by loadConfig). */
export const allowedHostsEnv = {
  [ALLOWED_HOSTS_VARIABLE]: z
    .string()
    .optional()
    .superRefine((value, context) => {
      try {
        allowedHostsFrom({ GATEWAY_ALLOWED_HOSTS: value });
      } catch (error) {
        context.addIssue({ code: 'custom', message: (error as Error).message });
      }
    }),
};

/** Whether a Host header may be answered. */
export function hostCheck(allowed: AllowedHosts): (host: string | undefined) => boolean {
  if (allowed === true) return () => true;
  // Frozen, so the library caches the Host headers it has allowed.
  const list = Object.freeze([...allowed]);
  return (host) => isHostAllowed(host, list);
}

function refusalMessage(host: string | undefined): string {
  const name = (host ?? '').trim().replace(/:\d+$/, '');
  return (
    `Blocked request. This host (${JSON.stringify(name)}) is not allowed. To allow it, start the gateway with ` +
    `${ALLOWED_HOSTS_VARIABLE}=${name} (comma-separated; the Vite dev server behind it reads the same variable).`
  );
}

/** 403 for a Host that is not allowed: the /__mesh error answer on /__mesh, plain text (as Vite's) elsewhere. */
export function refuseHost(req: IncomingMessage, res: ServerResponse, meshPath: boolean): void {
  const message = refusalMessage(req.headers.host);
  if (meshPath) sendError(res, new AppError('HOST_NOT_ALLOWED', message));
  else sendText(res, 403, message);
}

/** The same 403 on a websocket upgrade, written on the raw socket. */
export function refuseUpgrade(req: IncomingMessage, socket: Duplex): void {
  const body = refusalMessage(req.headers.host);
  socket.end(
    `HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
      `connection: close\r\n\r\n${body}`,
  );
}
