import { CATALOGUE_HEADER, VERSION_HEADER } from '@movies/contracts/names';
import { delay, HttpResponse, http } from 'msw';
import type {
  BackendIdentity,
  GenresAnswer,
  HomeAnswer,
  Movie,
  MovieAnswer,
  MoviePageAnswer,
} from '../types/api';
import type { FixtureCatalogue } from './fixtures';

// MSW handlers that answer like apps/backend (same paths, query parameters, headers and error shape), for
// component tests. The gateway's /api prefix is part of the URL the browser code calls.

export type BackendOptions = {
  /** Which catalogue answers each request; a function lets a test alternate versions. */
  pick: () => FixtureCatalogue;
  /** Extra latency before answering (fault-injected delay). */
  delayMs?: number;
};

const sorts: Record<string, (a: Movie, b: Movie) => number> = {
  popularity: (a, b) => (b.popularity ?? 0) - (a.popularity ?? 0),
  rating: (a, b) => b.vote_average - a.vote_average,
  newest: (a, b) => b.release_date.localeCompare(a.release_date),
  oldest: (a, b) => a.release_date.localeCompare(b.release_date),
  title: (a, b) => a.title.localeCompare(b.title),
};

function headersOf(catalogue: FixtureCatalogue) {
  return { [VERSION_HEADER]: catalogue.version, [CATALOGUE_HEADER]: catalogue.name };
}

function badRequest(catalogue: FixtureCatalogue, parameter: string) {
  return HttpResponse.json(
    { error: { code: 'bad_request', message: `invalid query parameter "${parameter}"` } },
    { status: 400, headers: headersOf(catalogue) },
  );
}

export function backendHandlers({ pick, delayMs = 0 }: BackendOptions) {
  const answer = async () => {
    if (delayMs > 0) await delay(delayMs);
    return pick();
  };
  return [
    http.get('*/api/', async () => {
      const catalogue = await answer();
      return HttpResponse.json(
        {
          service: 'movie-backend',
          version: catalogue.version,
          catalogue: catalogue.name,
          source: 'bundled',
          message: `${catalogue.name} catalogue`,
        } satisfies BackendIdentity,
        { headers: headersOf(catalogue) },
      );
    }),
    http.get('*/api/genres', async () => {
      const catalogue = await answer();
      const genres = catalogue.genres.map((genre) => ({
        ...genre,
        count: catalogue.movies.filter((movie) => movie.genre_ids.includes(genre.id)).length,
      }));
      return HttpResponse.json({ genres } satisfies GenresAnswer, { headers: headersOf(catalogue) });
    }),
    http.get('*/api/home', async () => {
      const catalogue = await answer();
      const sections = catalogue.genres.map((genre) => {
        const results = catalogue.movies.filter((movie) => movie.genre_ids.includes(genre.id));
        return { genre, total_results: results.length, results };
      });
      const featured = [...catalogue.movies].sort(sorts.popularity);
      const home: HomeAnswer = { catalogue: catalogue.name, featured, sections, source: 'bundled' };
      return HttpResponse.json(home, { headers: headersOf(catalogue) });
    }),
    http.get('*/api/movies', async ({ request }) => {
      const catalogue = await answer();
      const url = new URL(request.url);
      const page = Number(url.searchParams.get('page') ?? '1');
      const perPage = Number(url.searchParams.get('per_page') ?? '20');
      const sort = url.searchParams.get('sort') ?? 'popularity';
      const genre = url.searchParams.get('genre');
      const q = url.searchParams.get('q')?.toLowerCase() ?? '';
      if (!Number.isInteger(page) || page < 1) return badRequest(catalogue, 'page');
      if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100)
        return badRequest(catalogue, 'per_page');
      const compare = sorts[sort];
      if (!compare) return badRequest(catalogue, 'sort');
      const matches = catalogue.movies
        .filter((movie) => genre === null || movie.genre_ids.includes(Number(genre)))
        .filter((movie) => movie.title.toLowerCase().includes(q))
        .sort(compare);
      return HttpResponse.json(
        {
          page,
          results: matches.slice((page - 1) * perPage, page * perPage),
          total_pages: Math.ceil(matches.length / perPage),
          total_results: matches.length,
          source: 'bundled',
        } satisfies MoviePageAnswer,
        { headers: headersOf(catalogue) },
      );
    }),
    http.get('*/api/movies/:id', async ({ params }) => {
      const catalogue = await answer();
      const found = catalogue.movies.find((movie) => String(movie.id) === params.id);
      if (!found) {
        return HttpResponse.json(
          { error: { code: 'not_found', message: `no movie with id ${params.id}` } },
          { status: 404, headers: headersOf(catalogue) },
        );
      }
      return HttpResponse.json({ ...found, source: 'bundled' } satisfies MovieAnswer, {
        headers: headersOf(catalogue),
      });
    }),
  ];
}
