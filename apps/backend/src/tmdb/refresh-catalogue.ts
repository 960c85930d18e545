import {
  type CatalogueFile,
  type CatalogueName,
  catalogueFileSchema,
  type Movie,
} from '../catalogue/schema.js';
import type { TmdbClient } from './tmdb-client.js';
import { CATALOGUE_FILTERS } from './tmdb-movie-source.js';
import { tmdbGenreListSchema, tmdbListSchema, toMovie } from './tmdb-schemas.js';

export interface RefreshOptions {
  client: TmdbClient;
  catalogue: CatalogueName;
  pages: number;
  /** The catalogue being replaced: its overviews (written in our own words) are kept for movies still listed. */
  previous?: CatalogueFile;
  /** Copy TMDB's overview text for new movies (a local copy only); off by default, new movies get null. */
  tmdbOverviews?: boolean;
  onPage?: () => void;
}

const round = (value: number, digits: number) => Number(value.toFixed(digits));

/** Fetches the most popular well-rated movies of a catalogue from TMDB and returns a validated catalogue file. */
export async function refreshCatalogue(options: RefreshOptions): Promise<CatalogueFile> {
  const { client, catalogue } = options;
  const { genres } = await client.get('/genre/movie/list', { language: 'en-US' }, tmdbGenreListSchema);
  options.onPage?.();
  const genreNames = new Map(genres.map((genre) => [genre.id, genre.name]));
  const previousOverviews = new Map(options.previous?.movies.map((movie) => [movie.id, movie.overview]));
  const filters = CATALOGUE_FILTERS[catalogue];

  const movies = new Map<number, Movie>();
  for (let page = 1; page <= options.pages; page++) {
    const answer = await client.get(
      '/discover/movie',
      {
        page,
        include_adult: false,
        language: 'en-US',
        sort_by: 'popularity.desc',
        // Enough votes that the rating means something and the entry is a real, released film.
        'vote_count.gte': 50,
        ...filters,
      },
      tmdbListSchema,
    );
    options.onPage?.();
    for (const item of answer.results) {
      const movie = toMovie(item);
      movie.genre_ids = movie.genre_ids.filter((id) => genreNames.has(id));
      const complete =
        /^\d{4}-\d{2}-\d{2}$/.test(movie.release_date) &&
        movie.genre_ids.length > 0 &&
        movie.title.length > 0 &&
        movie.original_language === filters.with_original_language;
      if (!complete || movies.has(movie.id)) continue;
      // Our own overview when the previous catalogue had one; otherwise none (the UI shows genres, year and
      // rating instead), since bundled data must not copy TMDB's prose or guess at a plot.
      movie.overview = previousOverviews.get(movie.id) ?? (options.tmdbOverviews ? movie.overview : null);
      movie.vote_average = round(movie.vote_average, 1);
      movie.popularity = round(movie.popularity, 1);
      movies.set(movie.id, movie);
    }
    if (page >= answer.total_pages) break;
  }
  // Validate exactly as the server will at start-up, so a refresh can never write a catalogue it would refuse.
  return catalogueFileSchema.parse({ catalogue, genres, movies: [...movies.values()] });
}
