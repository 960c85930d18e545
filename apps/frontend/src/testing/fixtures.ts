import type { Genre, Movie } from '../types/api';

/** Small catalogues in the backend's shape, for component tests. */
export type FixtureCatalogue = {
  name: 'bollywood' | 'hollywood';
  version: string;
  genres: Genre[];
  movies: Movie[];
};

const movie = (
  fields: Partial<Movie> & Pick<Movie, 'id' | 'title' | 'release_date' | 'genre_ids'>,
): Movie => ({
  original_title: fields.title,
  original_language: 'hi',
  overview: `${fields.title} in one sentence.`,
  vote_average: 7,
  vote_count: 1000,
  popularity: 10,
  poster_path: null,
  backdrop_path: null,
  ...fields,
});

export const bollywood: FixtureCatalogue = {
  name: 'bollywood',
  version: 'v1',
  genres: [
    { id: 18, name: 'Drama' },
    { id: 35, name: 'Comedy' },
    { id: 10749, name: 'Romance' },
  ],
  movies: [
    movie({
      id: 19404,
      title: 'Dilwale Dulhania Le Jayenge',
      release_date: '1995-10-20',
      genre_ids: [35, 18, 10749],
      vote_average: 8.5,
      popularity: 30,
    }),
    movie({
      id: 20453,
      title: '3 Idiots',
      release_date: '2009-12-23',
      genre_ids: [35, 18],
      vote_average: 8.0,
      popularity: 40,
    }),
    movie({
      id: 19666,
      title: 'Lagaan',
      original_title: 'Lagaan: Once Upon a Time in India',
      release_date: '2001-06-15',
      genre_ids: [18],
      // A film whose story we do not tell: the UI shows its genres, year and rating instead.
      overview: null,
      vote_average: 7.6,
      popularity: 20,
    }),
    movie({
      id: 10757,
      title: 'Kabhi Khushi Kabhie Gham',
      release_date: '2001-12-14',
      genre_ids: [18, 10749],
      vote_average: 7.4,
      popularity: 15,
      poster_path: '/k3kg.jpg',
    }),
  ],
};

export const hollywood: FixtureCatalogue = {
  name: 'hollywood',
  version: 'v2',
  genres: [
    { id: 18, name: 'Drama' },
    { id: 878, name: 'Science Fiction' },
  ],
  movies: [
    movie({
      id: 278,
      title: 'The Shawshank Redemption',
      original_language: 'en',
      release_date: '1994-09-23',
      genre_ids: [18],
      vote_average: 8.7,
      popularity: 50,
    }),
    movie({
      id: 27205,
      title: 'Inception',
      original_language: 'en',
      release_date: '2010-07-15',
      genre_ids: [878],
      vote_average: 8.4,
      popularity: 60,
    }),
    movie({
      id: 157336,
      title: 'Interstellar',
      original_language: 'en',
      release_date: '2014-11-05',
      genre_ids: [18, 878],
      vote_average: 8.4,
      popularity: 55,
    }),
  ],
};
