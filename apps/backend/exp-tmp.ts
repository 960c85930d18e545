import express from 'express';
import helmet from 'helmet';
import { createServer } from 'node:http';
import { execFileSync } from 'node:child_process';
import { createApp } from '/work/main/apps/backend/src/app.ts';
import { loadCatalogue } from '/work/main/apps/backend/src/catalogue/load.ts';
import { Readiness } from '/work/main/apps/backend/src/health/health-router.ts';
import { BundledMovieSource } from '/work/main/apps/backend/src/movies/movie-source.ts';
import { createLogger } from '/work/main/apps/backend/src/observability/logger.ts';
import { createWriteStream } from 'node:fs';

const catalogue = loadCatalogue('bollywood-data');
const readiness = new Readiness(); readiness.markLoaded();
const variants: Record<string, any> = {
  full: createApp({ config: { serviceVersion: 'v1', corsOrigin: '*', faults: { delayMs: 0, errorRate: 0 } }, catalogue, source: new BundledMovieSource(catalogue), logger: createLogger({ level: 'info' }, createWriteStream('/dev/null') as any), readiness }),
  silent: createApp({ config: { serviceVersion: 'v1', corsOrigin: '*', faults: { delayMs: 0, errorRate: 0 } }, catalogue, source: new BundledMovieSource(catalogue), logger: createLogger({ level: 'silent' }), readiness }),
  bareExpress: (() => { const a = express(); const src = new BundledMovieSource(catalogue); a.get('/movies', (_q, r) => { r.type('json').send(src.listJson({ page: 1, perPage: 20, sort: 'popularity' })); }); return a; })(),
  helmetOnly: (() => { const a = express(); a.use(helmet()); const src = new BundledMovieSource(catalogue); a.get('/movies', (_q, r) => { r.type('json').send(src.listJson({ page: 1, perPage: 20, sort: 'popularity' })); }); return a; })(),
};
const body = new BundledMovieSource(catalogue).listJson({ page: 1, perPage: 20, sort: 'popularity' });
variants.node = (_q: any, r: any) => { r.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) }); r.end(body); };
for (const [name, handler] of Object.entries(variants)) {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as any).port;
  const before = process.cpuUsage();
  const child = (await import('node:child_process')).spawn('/work/main/apps/backend/node_modules/.bin/autocannon', ['-c', '50', '-a', '3000', `http://127.0.0.1:${port}/movies?page=1`], { stdio: 'ignore' });
  await new Promise((r) => child.once('exit', r));
  const used = process.cpuUsage(before);
  console.log(name.padEnd(12), ((used.user + used.system) / 3000).toFixed(0), 'us CPU/request');
  server.close(); server.closeAllConnections();
}
process.exit(0);
