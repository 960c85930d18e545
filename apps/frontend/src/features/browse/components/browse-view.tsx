import { useCallback, useEffect, useId, useState } from 'react';
import { CatalogueTag } from '../../../components/catalogue-tag';
import { MovieGrid } from '../../../components/movie-grid';
import { EmptyState, ErrorState, Loading } from '../../../components/query-states';
import { getGenres } from '../../../lib/genres';
import { type QueryResult, useApiQuery } from '../../../lib/use-api-query';
import { useDebouncedValue } from '../../../lib/use-debounced-value';
import { useDocumentTitle } from '../../../lib/use-document-title';
import type { MoviePage } from '../../../types/api';
import { getMovies, perPage } from '../api/get-movies';
import {
  type BrowseParams,
  defaultSort,
  maxQueryLength,
  type SortKey,
  sortOptions,
  toSearchParams,
  useBrowseParams,
} from '../hooks/use-browse-params';
import { ActiveFilters, browseHeading } from './active-filters';
import { Pagination } from './pagination';

export const searchDebounceMs = 300;

export function BrowseView() {
  const { params, update } = useBrowseParams();
  const searchId = useId();
  const genreId = useId();
  const sortId = useId();
  const panelId = useId();
  // On a phone the genre and sort fields fold away behind one button (app/styles/browse.css shows them on
  // wider screens).
  const [filtersOpen, setFiltersOpen] = useState(false);
  const [text, setText] = useState(params.q);
  const debouncedText = useDebouncedValue(text, searchDebounceMs);

  // Typing updates the URL once the user pauses; replace, so history is not one entry per keystroke.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a settled search text should write the URL.
  useEffect(() => {
    const q = debouncedText.trim();
    if (q !== params.q) update({ q }, { replace: true });
  }, [debouncedText]);

  // Back/forward navigation changes the URL under the input: follow it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: react to URL changes only.
  useEffect(() => {
    if (params.q !== text.trim()) setText(params.q);
  }, [params.q]);

  const genres = useApiQuery('genres', getGenres);
  const movieKey = toSearchParams(params).toString();
  const fetchMovies = useCallback((signal: AbortSignal) => getMovies(params, signal), [params]);
  const movies = useApiQuery(`movies?${movieKey}`, fetchMovies, { main: true });

  const genreName = genres.data?.find((genre) => genre.id === params.genre)?.name;
  const title = browseHeading(params, genreName);
  const activeCount = (params.genre !== undefined ? 1 : 0) + (params.sort !== defaultSort ? 1 : 0);
  useDocumentTitle(title);

  const hrefFor = (page: number) => {
    const search = toSearchParams({ ...params, page }).toString();
    return search ? `/browse?${search}` : '/browse';
  };

  return (
    <div className="browse">
      <div className="page-header">
        <h1>{title}</h1>
        {movies.status === 'success' && <CatalogueTag servedBy={movies.servedBy} />}
      </div>

      <search className="filters-landmark" aria-label="Filter movies">
        <form className="filters" onSubmit={(event) => event.preventDefault()}>
          <div className="field">
            <label htmlFor={searchId}>Search titles</label>
            <input
              id={searchId}
              type="search"
              value={text}
              maxLength={maxQueryLength}
              placeholder="e.g. Lagaan"
              autoComplete="off"
              onChange={(event) => setText(event.target.value)}
            />
          </div>
          <button
            type="button"
            className="button button--ghost filters__toggle"
            aria-expanded={filtersOpen}
            aria-controls={panelId}
            onClick={() => setFiltersOpen((open) => !open)}
          >
            Filters{activeCount > 0 ? ` (${activeCount})` : ''}
          </button>
          <div id={panelId} className={`filters__panel${filtersOpen ? ' filters__panel--open' : ''}`}>
            <div className="field">
              <label htmlFor={genreId}>Genre</label>
              <select
                id={genreId}
                value={params.genre ?? ''}
                onChange={(event) =>
                  update({ genre: event.target.value ? Number(event.target.value) : undefined })
                }
              >
                <option value="">All genres</option>
                {(genres.data ?? []).map((genre) => (
                  <option key={genre.id} value={genre.id}>
                    {genre.name}
                    {genre.count !== undefined ? ` (${genre.count})` : ''}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor={sortId}>Sort by</label>
              <select
                id={sortId}
                value={params.sort}
                onChange={(event) => update({ sort: event.target.value as SortKey })}
              >
                {sortOptions.map((option) => (
                  <option key={option.value} value={option.value}>
                    {option.label}
                  </option>
                ))}
              </select>
            </div>
          </div>
        </form>
      </search>
      <ActiveFilters params={params} genreName={genreName} />

      <BrowseResults movies={movies} params={params} genreName={genreName} title={title} hrefFor={hrefFor} />
    </div>
  );
}

type MoviesQuery = QueryResult<MoviePage>;

interface BrowseResultsProps {
  movies: MoviesQuery;
  params: BrowseParams;
  genreName: string | undefined;
  title: string;
  hrefFor: (page: number) => string;
}

/** The movies of the current query: loading, an error, none matching, or a page of them with pagination. */
function BrowseResults({ movies, params, genreName, title, hrefFor }: BrowseResultsProps) {
  return (
    <>
      {movies.status === 'loading' && <Loading isSlow={movies.isSlow} skeletonCount={perPage} />}
      {movies.status === 'error' && (
        <ErrorState error={movies.error} onRetry={movies.retry} title="Movies could not be loaded" />
      )}
      {movies.status === 'success' &&
        (movies.data.results.length === 0 ? (
          <EmptyState>
            <p>
              No movies match{params.q ? ` “${params.q}”` : ''}
              {genreName ? ` in ${genreName}` : ''}.
            </p>
            <p>Try another search or genre.</p>
          </EmptyState>
        ) : (
          <>
            <p className="result-count" aria-live="polite">
              {movies.data.total_results} {movies.data.total_results === 1 ? 'movie' : 'movies'}
            </p>
            <MovieGrid movies={movies.data.results} label={title} />
            <Pagination page={movies.data.page} totalPages={movies.data.total_pages} hrefFor={hrefFor} />
          </>
        ))}
    </>
  );
}
