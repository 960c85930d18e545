/**
 * The error type handlers throw is @movies/contracts' AppError: its code gives the status, and the error middleware
 * below turns it into `{ error: { code, message } }` (or `{ detail }` on the original API's paths).
 */
import { AppError } from '@movies/contracts/errors';
import type { ErrorRequestHandler, RequestHandler } from 'express';

export { AppError };

/** For a known path with an unsupported method: 405 with an Allow header. */
export function methodNotAllowed(allowed: readonly string[]): RequestHandler {
  const allow = allowed.join(', ');
  return (req, _res, next) => {
    next(
      new AppError('METHOD_NOT_ALLOWED', `Method ${req.method} is not allowed here; use ${allow}`, {
        headers: { allow },
      }),
    );
  };
}

/**
 * Mounted on the original movie-verse API's paths (src/original-api): their errors take FastAPI's shape,
 * `{ "detail": message }`, which the original UI shows to the user. Every other path keeps `{ error }`.
 */
export const detailErrors: RequestHandler = (_req, res, next) => {
  res.locals.errorShape = 'detail';
  next();
};

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError('NOT_FOUND', `No route for ${req.method} ${req.path}`));
};

interface HttpishError {
  status?: unknown;
  statusCode?: unknown;
  expose?: unknown;
  message?: unknown;
}

/** Mounted last. Never leaks stack traces: unknown errors become a generic 500 and are logged instead. */
export const errorHandler: ErrorRequestHandler = (err: unknown, req, res, _next) => {
  let appError: AppError;
  if (err instanceof AppError) {
    appError = err;
  } else {
    const httpish = (typeof err === 'object' && err !== null ? err : {}) as HttpishError;
    const status = Number(httpish.status ?? httpish.statusCode);
    // Errors raised by Express itself (e.g. a malformed %-escape in the path) carry a 4xx status and are safe to show.
    if (status >= 400 && status < 500 && httpish.expose !== false) {
      appError = new AppError(status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST', String(httpish.message));
    } else {
      req.log?.error({ err }, 'unhandled error');
      appError = new AppError('INTERNAL_ERROR', 'Internal server error');
    }
  }
  // Stryker disable next-line ConditionalExpression,BlockStatement: without this, res.set throws and Express's final handler destroys the started answer the same way
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.set(appError.headers);
  res
    .status(appError.status)
    .json(
      res.locals.errorShape === 'detail'
        ? { detail: appError.message }
        : { error: { code: appError.wireCode, message: appError.message } },
    );
};
