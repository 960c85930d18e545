import type { BackendIdentity } from '@movies/contracts/api';
import { DATA_SOURCE_HEADER, REQUEST_ID_HEADER } from '@movies/contracts/names';
import { type Request, Router } from 'express';
import type { Catalogue } from '../catalogue/catalogue.js';
import { AppError, methodNotAllowed } from '../errors.js';
import { type PropagatedHeaders, pickTraceHeaders } from '../observability/trace-headers.js';
import type { MovieSource } from './movie-source.js';
import { homeQuerySchema, listQuerySchema, movieIdSchema, parseOrBadRequest } from './query-schemas.js';

export const GET_ONLY = ['GET', 'HEAD'] as const;

/** Incoming trace headers plus our request id, for every call made on this request's behalf. */
export function traceOf(req: Request): PropagatedHeaders {
  return { ...pickTraceHeaders(req.headers), [REQUEST_ID_HEADER]: String(req.id) };
}

export function moviesRouter(deps: {
  catalogue: Catalogue;
  source: MovieSource;
  serviceVersion: string;
}): Router {
  const { catalogue, source, serviceVersion } = deps;
  const router = Router();
  const displayName = catalogue.name === 'bollywood' ? 'Bollywood' : 'Hollywood';

  router
    .route('/')
    .get((_req, res) => {
      const current = source.currentSource;
      res.json({
        service: 'movie-backend' as const,
        version: serviceVersion,
        catalogue: catalogue.name,
        source: current,
        message: `movie-backend ${serviceVersion} serving the ${displayName} (${catalogue.name}) catalogue from ${current === 'tmdb' ? 'TMDB' : 'bundled data'}`,
      } satisfies BackendIdentity);
    })
    .all(methodNotAllowed(GET_ONLY));

  router
    .route('/genres')
    .get((_req, res) => {
      res.json({ genres: catalogue.genresWithCounts });
    })
    .all(methodNotAllowed(GET_ONLY));

  router
    .route('/movies')
    .get(async (req, res) => {
      const query = parseOrBadRequest(listQuerySchema, req.query);
      if (query.genre !== undefined && !catalogue.hasGenre(query.genre)) {
        throw new AppError(
          'BAD_REQUEST',
          `Invalid query parameter genre: unknown genre id ${query.genre}; see GET /genres`,
        );
      }
      const listQuery = {
        page: query.page,
        perPage: query.per_page,
        sort: query.sort,
        genre: query.genre,
        q: query.q,
      };
      if (source.listJson) {
        // Hot path (and the benchmarked one): pre-serialised bytes, skipping res.send's per-request work.
        const body = source.listJson(listQuery);
        res.setHeader(DATA_SOURCE_HEADER, 'bundled');
        res.setHeader('content-type', 'application/json; charset=utf-8');
        res.setHeader('content-length', body.length);
        res.end(body);
        return;
      }
      const page = await source.list(listQuery, traceOf(req));
      res.set(DATA_SOURCE_HEADER, page.source).json(page);
    })
    .all(methodNotAllowed(GET_ONLY));

  router
    .route('/movies/:id')
    .get(async (req, res) => {
      const parsed = movieIdSchema.safeParse(req.params.id);
      if (!parsed.success)
        throw new AppError('BAD_REQUEST', 'Invalid path parameter id: must be a positive integer movie id');
      const found = await source.movie(parsed.data, traceOf(req));
      if (!found)
        throw new AppError('NOT_FOUND', `No movie with id ${parsed.data} in the ${catalogue.name} catalogue`);
      res.set(DATA_SOURCE_HEADER, found.source).json({ ...found.movie, source: found.source });
    })
    .all(methodNotAllowed(GET_ONLY));

  router
    .route('/home')
    .get(async (req, res) => {
      const query = parseOrBadRequest(homeQuerySchema, req.query);
      const feed = await source.home(query.per_genre, traceOf(req));
      res.set(DATA_SOURCE_HEADER, feed.source).json({ catalogue: catalogue.name, ...feed });
    })
    .all(methodNotAllowed(GET_ONLY));

  return router;
}
