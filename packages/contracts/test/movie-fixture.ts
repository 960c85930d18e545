/** As apps/backend/data/tmdb-facts has it. */
export const movie = {
  id: 19404,
  title: 'Dilwale Dulhania Le Jayenge',
  original_title: 'दिलवाले दुल्हनिया ले जायेंगे',
  original_language: 'hi',
  overview: null,
  release_date: '1995-10-20',
  genre_ids: [35, 18, 10749],
  vote_average: 8.5,
  vote_count: 4485,
  popularity: 7.4012,
  poster_path: '/rfcy6Gd3PbFIqwZX5U8xnbv7jOc.jpg',
  backdrop_path: '/90ez6ArvpO8bvpyIngBuwXOqJm5.jpg',
};
