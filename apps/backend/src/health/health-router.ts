import { Router } from 'express';
import type { Registry } from 'prom-client';
import { AppError, methodNotAllowed } from '../errors.js';

/** Liveness vs readiness: a draining pod is alive (do not restart it) but not ready (send it no new requests). */
export class Readiness {
  private loaded = false;
  private draining = false;

  markLoaded(): void {
    this.loaded = true;
  }

  startDraining(): void {
    this.draining = true;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  get state(): 'starting' | 'ready' | 'draining' {
    if (this.draining) return 'draining';
    return this.loaded ? 'ready' : 'starting';
  }
}

export function healthRouter(deps: { readiness: Readiness; registry: Registry }): Router {
  const router = Router();
  const probeMethods = ['GET', 'HEAD'] as const;

  router
    .route('/healthz')
    .get((_req, res) => {
      res.json({ status: 'ok' });
    })
    .all(methodNotAllowed(probeMethods));

  router
    .route('/readyz')
    .get((_req, res) => {
      const state = deps.readiness.state;
      if (state !== 'ready') {
        throw new AppError('NOT_READY', state === 'draining' ? 'Shutting down' : 'Catalogue not loaded yet');
      }
      res.json({ status: 'ready' });
    })
    .all(methodNotAllowed(probeMethods));

  router
    .route('/metrics')
    .get(async (_req, res) => {
      res.type(deps.registry.contentType).send(await deps.registry.metrics());
    })
    .all(methodNotAllowed(probeMethods));

  return router;
}
