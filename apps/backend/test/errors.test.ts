/**
 * The error middleware on a bare Express app (supertest, in process): which status, code and body each thrown
 * error becomes, in both the API's `{ error }` shape and the original API's `{ detail }` shape.
 */
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { AppError, detailErrors, errorHandler, methodNotAllowed, notFoundHandler } from '../src/errors.js';

/** An app whose GET /throw throws `error` (after sending its head when `late`), with the error middleware last. */
function appThrowing(error: unknown, options: { detail?: boolean; late?: boolean } = {}) {
  const logged: unknown[] = [];
  const app = express();
  app.use((req, _res, next) => {
    req.log = {
      error: (fields: unknown, message: string) => logged.push([fields, message]),
    } as unknown as typeof req.log;
    next();
  });
  if (options.detail) app.use(detailErrors);
  app.get('/throw', (_req, res) => {
    if (options.late) res.writeHead(200).write('partial');
    throw error;
  });
  app.all('/only-get', methodNotAllowed(['GET', 'HEAD']));
  app.use(notFoundHandler);
  app.use(errorHandler);
  return { app, logged };
}

describe('errorHandler', () => {
  it('answers an AppError with its status, lower-case code, message and headers', async () => {
    const error = new AppError('BAD_REQUEST', 'Invalid query parameter page: too big', {
      headers: { 'x-why': 'page' },
    });
    const res = await request(appThrowing(error).app).get('/throw');
    expect(res.status).toBe(400);
    expect(res.headers['x-why']).toBe('page');
    expect(res.body).toEqual({
      error: { code: 'bad_request', message: 'Invalid query parameter page: too big' },
    });
  });

  it('answers in the original API’s shape where detailErrors is mounted', async () => {
    const res = await request(
      appThrowing(new AppError('NOT_FOUND', 'Movie not found'), { detail: true }).app,
    ).get('/throw');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ detail: 'Movie not found' });
  });

  it('shows an exposed 4xx from Express as it is, 404 as not found and any other as a bad request', async () => {
    const notFound = await request(appThrowing({ status: 404, message: 'gone' }).app).get('/throw');
    expect([notFound.status, notFound.body]).toEqual([
      404,
      { error: { code: 'not_found', message: 'gone' } },
    ]);
    const bad = await request(appThrowing({ statusCode: 400, message: 'Failed to decode param' }).app).get(
      '/throw',
    );
    expect([bad.status, bad.body]).toEqual([
      400,
      { error: { code: 'bad_request', message: 'Failed to decode param' } },
    ]);
    const edge = await request(appThrowing({ status: 499, expose: true, message: 'edge' }).app).get('/throw');
    expect(edge.status).toBe(400);
  });

  it('hides everything else behind a generic 500 and logs it', async () => {
    for (const error of [
      new Error('secret stack'),
      { status: 500, message: 'x' },
      { status: 399 },
      { status: 400, expose: false, message: 'private' },
      'text',
      7,
    ]) {
      const { app, logged } = appThrowing(error);
      const res = await request(app).get('/throw');
      expect(res.status, String(error)).toBe(500);
      expect(res.body).toEqual({ error: { code: 'internal_error', message: 'Internal server error' } });
      expect(logged).toEqual([[{ err: error }, 'unhandled error']]);
    }
  });

  it('answers the generic 500 without a request logger too', async () => {
    const app = express();
    app.get('/throw', () => {
      throw new Error('boom');
    });
    app.use(errorHandler);
    const res = await request(app).get('/throw');
    expect([res.status, res.body]).toEqual([
      500,
      { error: { code: 'internal_error', message: 'Internal server error' } },
    ]);
  });

  it('cuts the connection when the answer had started', async () => {
    const { app } = appThrowing(new AppError('BAD_REQUEST', 'late'), { late: true });
    await expect(request(app).get('/throw')).rejects.toThrow();
  });
});

describe('notFoundHandler and methodNotAllowed', () => {
  it('names the method and path nobody routes', async () => {
    const res = await request(appThrowing(null).app).post('/nowhere');
    expect([res.status, res.body]).toEqual([
      404,
      { error: { code: 'not_found', message: 'No route for POST /nowhere' } },
    ]);
  });

  it('answers 405 with the Allow header', async () => {
    const res = await request(appThrowing(null).app).delete('/only-get');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD');
    expect(res.body).toEqual({
      error: { code: 'method_not_allowed', message: 'Method DELETE is not allowed here; use GET, HEAD' },
    });
  });
});
