/**
 * Upgraded connections (websocket): routed like any request (match, weighted destination, rewrite, request
 * headers), then the client's socket and the upstream's are piped together until either closes.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { chooseDestination, matchRequest, rewritePath } from '@movies/mesh';
import { requestIdOf, upstreamRequestHeaders } from './forwarding.js';
import { classifyError } from './outcomes.js';
import type { UpstreamPools } from './pools.js';
import type { RoutingTable } from './routing-table.js';
import { type UpstreamMap, upstreamFor } from './upstreams.js';

export interface UpgradeContext {
  table(): RoutingTable;
  upstreams: UpstreamMap;
  random: () => number;
  pools: UpstreamPools;
}

function refuse(socket: Duplex, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
}

function switchingProtocols(answer: Record<string, string | string[] | undefined>): string {
  const lines = ['HTTP/1.1 101 Switching Protocols'];
  for (const [name, value] of Object.entries(answer)) {
    for (const v of Array.isArray(value) ? value : [value]) if (v !== undefined) lines.push(`${name}: ${v}`);
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** Tracks the upgraded sockets so that closing the gateway can cut them. */
export class Upgrades {
  readonly #open = new Set<Duplex>();

  constructor(private readonly context: UpgradeContext) {}

  handle(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const { context } = this;
    socket.on('error', () => socket.destroy());
    const path = req.url ?? '/';
    const decision = path.startsWith('/')
      ? matchRequest(context.table().virtualServices, {
          method: req.method ?? 'GET',
          path,
          authority: req.headers.host,
          headers: req.headers,
        })
      : undefined;
    if (!decision) {
      refuse(socket, '404 Not Found');
      return;
    }
    const destination = chooseDestination(decision.rule, context.random);
    const origin = upstreamFor(context.upstreams, destination.destination) as string;
    const upstreamPath = rewritePath(decision, path);
    const headers = upstreamRequestHeaders(
      req,
      decision,
      destination,
      upstreamPath,
      requestIdOf(req.headers),
    );
    context.pools
      .for(origin)
      .upgrade({
        path: upstreamPath,
        method: req.method ?? 'GET',
        headers,
        protocol: String(req.headers.upgrade ?? 'websocket'),
      })
      .then(({ headers: answer, socket: upstream }) => {
        socket.write(switchingProtocols(answer));
        if (head.length > 0) upstream.write(head);
        this.#pipe(socket, upstream);
      })
      .catch((error: unknown) => {
        const kind = classifyError(error, { timeout: false, perTry: false });
        refuse(socket, kind === 'connect' ? '503 Service Unavailable' : '502 Bad Gateway');
      });
  }

  #pipe(socket: Duplex, upstream: Duplex): void {
    this.#open.add(socket);
    const cleanUp = () => {
      this.#open.delete(socket);
      socket.destroy();
      upstream.destroy();
    };
    upstream.on('error', cleanUp).on('close', cleanUp);
    socket.on('close', cleanUp);
    upstream.pipe(socket);
    socket.pipe(upstream);
  }

  closeAll(): void {
    for (const socket of this.#open) socket.destroy();
  }
}
