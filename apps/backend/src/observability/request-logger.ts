import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from './logger.js';
import { requestIdFrom } from './trace-headers.js';

declare global {
  namespace Express {
    interface Request {
      /** The x-request-id this request is known by (the caller's or Envoy's when sane, otherwise minted). */
      id: string;
      log: Logger;
    }
  }
}

/**
 * One JSON log line per request, carrying the request id. Deliberately lean (no child logger per request): the
 * backend sits on the hot path of every traffic-shifting demo and its benchmark.
 */
export function requestLogger(logger: Logger, options: { ignorePaths: ReadonlySet<string> }): RequestHandler {
  return (req, res, next) => {
    const id = requestIdFrom(req.headers, randomUUID);
    req.id = id;
    req.log = logger;
    res.setHeader('x-request-id', id);
    if (options.ignorePaths.has(req.path) || !logger.isLevelEnabled('info')) {
      next();
      return;
    }
    const started = performance.now();
    res.once('finish', () => {
      const level = res.statusCode >= 500 ? 'error' : 'info';
      logger[level](
        {
          req: { id, method: req.method, url: req.originalUrl },
          res: { statusCode: res.statusCode },
          responseTime: Math.round(performance.now() - started),
        },
        'request completed',
      );
    });
    next();
  };
}
