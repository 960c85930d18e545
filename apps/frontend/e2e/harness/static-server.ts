import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

export type ForwardedRequest = {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  upstream: string;
};

export type StaticServerOptions = {
  distDir: string;
  /** Picks the backend base URL for one /api request (a split, a header route…). */
  pickUpstream: (request: IncomingMessage) => string;
  /** Answers GET /__mesh like the local gateway; without it the SPA fallback answers, as nginx would. */
  meshStatus?: () => unknown;
  /** Extra headers on every static file, e.g. nginx's Content-Security-Policy. */
  headers?: Record<string, string>;
};

export type StaticServer = { url: string; forwarded: ForwardedRequest[]; close: () => Promise<void> };

/**
 * The production build as a user gets it: static files with an SPA fallback to index.html, and /api/* forwarded
 * to a real backend with the /api prefix stripped (what the gateway's rewrite does).
 */
export async function startStaticServer(options: StaticServerOptions): Promise<StaticServer> {
  const forwarded: ForwardedRequest[] = [];
  const indexHtml = join(options.distDir, 'index.html');

  const serveFile = (res: ServerResponse, file: string, status = 200) => {
    const type = contentTypes[extname(file)] ?? 'application/octet-stream';
    const immutable = file.includes(`${sep}assets${sep}`);
    res.writeHead(status, {
      ...options.headers,
      'content-type': type,
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    createReadStream(file).pipe(res);
  };

  const forward = (req: IncomingMessage, res: ServerResponse, path: string) => {
    const upstream = options.pickUpstream(req);
    forwarded.push({ method: req.method ?? 'GET', path, headers: req.headers, upstream });
    const target = new URL(path, upstream);
    const headers = { ...req.headers, host: target.host };
    const proxied = httpRequest(target, { method: req.method, headers }, (upstreamRes) => {
      res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
      upstreamRes.pipe(res);
    });
    proxied.on('error', () => {
      if (!res.headersSent) res.writeHead(503, { 'content-type': 'text/plain' });
      res.end('no healthy upstream');
    });
    req.pipe(proxied);
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/api' || url.pathname.startsWith('/api/')) {
      forward(req, res, `${url.pathname.slice('/api'.length) || '/'}${url.search}`);
      return;
    }
    if (url.pathname === '/__mesh' && options.meshStatus) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(options.meshStatus()));
      return;
    }
    const relative = normalize(decodeURIComponent(url.pathname)).replace(/^([/\\])+/, '');
    const file = join(options.distDir, relative);
    if (file.startsWith(options.distDir + sep) && existsSync(file) && statSync(file).isFile()) {
      serveFile(res, file);
      return;
    }
    // Missing build files are real 404s; every other path is a client-side route.
    if (url.pathname.startsWith('/assets/')) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    serveFile(res, indexHtml);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    forwarded,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
