import type { DataSource } from '@movies/contracts/api';
import { DATA_SOURCE_HEADER } from '@movies/contracts/names';
import type {
  OriginalAllGenresAnswer,
  OriginalMovieDetail,
  OriginalMoviePage,
} from '@movies/contracts/original-api';
import { type Response, Router } from 'express';
import type { Catalogue } from '../catalogue/catalogue.js';
import type { Movie } from '../catalogue/schema.js';
import { AppError, methodNotAllowed } from '../errors.js';
import type { MovieSource, Sourced } from '../movies/movie-source.js';
import { GET_ONLY, traceOf } from '../movies/movies-router.js';
import { parseOrBadRequest } from '../movies/query-schemas.js';
import {
  allGenresQuerySchema,
  genrePageQuerySchema,
  genreParamsSchema,
  movieParamsSchema,
  searchQuerySchema,
} from './query-schemas.js';

/**
 * Where the original API's own paths start; app.ts gives their errors the `{ detail }` shape. GET /genres is not
 * among them: it is our path too, and our answer is a superset of the original's.
 */
export const ORIGINAL_API_PATHS = ['/movies/genre', '/movies/all-genres', '/movies/search', '/movie'];

function send(res: Response, source: DataSource, body: object): void {
  res.set(DATA_SOURCE_HEADER, source).json(body);
}

/** Our page answer without its data source: the original's envelope. */
function pageOf({ source: _source, ...page }: Sourced<OriginalMoviePage>): OriginalMoviePage {
  return page;
}

/**
 * The original movie-verse API (the seed's UI calls it), answered by the same catalogue and the same MovieSource
 * as ours — so TMDB mode serves it from TMDB — only reshaped: listings are most popular first, as its files were.
 */
export function originalApiRouter(deps: { catalogue: Catalogue; source: MovieSource }): Router {
  const { catalogue, source } = deps;
  const router = Router();

  router
    .route('/movies/genre/:genre_id')
    .get(async (req, res) => {
      const { genre_id: genreId } = parseOrBadRequest(genreParamsSchema, req.params, 'path');
      const query = parseOrBadRequest(genrePageQuerySchema, req.query);
      const page = catalogue.hasGenre(genreId)
        ? await source.list(
            { genre: genreId, sort: 'popularity', page: query.page, perPage: query.per_page },
            traceOf(req),
          )
        : undefined;
      // A genre with no films is a 404 in the original, like one it does not know; a page past the end is not.
      if (!page || page.total_results === 0)
        throw new AppError('NOT_FOUND', `No movies found for genre ID ${genreId}`);
      send(res, page.source, pageOf(page));
    })
    .all(methodNotAllowed(GET_ONLY));

  router
    .route('/movies/all-genres')
    .get(async (req, res) => {
      const { limit_per_genre: limit } = parseOrBadRequest(allGenresQuerySchema, req.query);
      const trace = traceOf(req);
      const pages = await Promise.all(
        catalogue.genres.map((genre) =>
          source.list({ genre: genre.id, sort: 'popularity', page: 1, perPage: limit }, trace),
        ),
      );
      const genres: OriginalAllGenresAnswer['genres'] = [];
      catalogue.genres.forEach((genre, index) => {
        const movies = pages[index]?.results ?? [];
        if (movies.length > 0) genres.push({ id: genre.id, name: genre.name, movies });
      });
      // TMDB mode falls back per call: the answer is "tmdb" only when every row came from TMDB.
      const answeredBy = pages.every((page) => page.source === 'tmdb') ? 'tmdb' : 'bundled';
      send(res, answeredBy, { genres } satisfies OriginalAllGenresAnswer);
    })
    .all(methodNotAllowed(GET_ONLY));

  router
    .route('/movies/search')
    .get(async (req, res) => {
      const query = parseOrBadRequest(searchQuerySchema, req.query);
      const page = await source.list(
        {
          q: query.query,
          qInOverview: true,
          sort: 'popularity',
          page: query.page,
          perPage: query.per_page,
        },
        traceOf(req),
      );
      send(res, page.source, pageOf(page));
    })
    .all(methodNotAllowed(GET_ONLY));

  /** TMDB's detail field `genres`: the names of the movie's genre ids, as the catalogue's genre list has them. */
  const genresOf = (movie: Movie) =>
    movie.genre_ids.flatMap((id) => {
      const genre = catalogue.genre(id);
      return genre ? [genre] : [];
    });

  router
    .route('/movie/:movie_id')
    .get(async (req, res) => {
      const { movie_id: movieId } = parseOrBadRequest(movieParamsSchema, req.params, 'path');
      const found = await source.movie(movieId, traceOf(req));
      if (!found)
        throw new AppError(
          'NOT_FOUND',
          `Movie with ID ${movieId} not found in the ${catalogue.name} catalogue`,
        );
      send(res, found.source, {
        ...found.movie,
        genres: genresOf(found.movie),
      } satisfies OriginalMovieDetail);
    })
    .all(methodNotAllowed(GET_ONLY));

  return router;
}
