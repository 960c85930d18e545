import { Link } from 'react-router';
import { CatalogueTag } from '../../../components/catalogue-tag';
import { MovieGrid } from '../../../components/movie-grid';
import { Poster, releaseYear } from '../../../components/poster';
import { EmptyState, ErrorState, Loading } from '../../../components/query-states';
import { catalogueLabel } from '../../../lib/catalogue';
import { useApiQuery } from '../../../lib/use-api-query';
import { useDocumentTitle } from '../../../lib/use-document-title';
import type { Movie, ServedBy } from '../../../types/api';
import { getHomeFeed } from '../api/get-home-feed';

function Hero({ movie, servedBy }: { movie: Movie; servedBy: ServedBy }) {
  const year = releaseYear(movie.release_date);
  return (
    <section className="hero" aria-labelledby="hero-title">
      <Poster movie={movie} className="hero__poster" />
      <div className="hero__body">
        <p className="hero__eyebrow">
          Featured in the <CatalogueTag servedBy={servedBy} /> catalogue
        </p>
        <h1 id="hero-title" className="hero__title">
          {movie.title}
          {year && <span className="hero__year">{` (${year})`}</span>}
        </h1>
        <p className="hero__overview">{movie.overview}</p>
        <Link className="button" to={`/movie/${movie.id}`}>
          Details<span className="visually-hidden"> about {movie.title}</span>
        </Link>
      </div>
    </section>
  );
}

export const homeFeedKey = 'home';

export function HomeFeedView() {
  const query = useApiQuery(homeFeedKey, getHomeFeed);
  useDocumentTitle(query.status === 'success' ? `${catalogueLabel(query.servedBy)} picks` : 'Home');

  if (query.status === 'loading') {
    return (
      <>
        <h1 className="visually-hidden">Home</h1>
        <Loading isSlow={query.isSlow} label="Loading the home feed" />
      </>
    );
  }
  if (query.status === 'error') {
    return (
      <>
        <h1 className="visually-hidden">Home</h1>
        <ErrorState error={query.error} onRetry={query.retry} title="The home feed could not be loaded" />
      </>
    );
  }

  const { featured, sections } = query.data;
  const hero = featured[0];
  return (
    <div className={`home catalogue--${query.servedBy.catalogue ?? 'unknown'}`}>
      {hero ? <Hero movie={hero} servedBy={query.servedBy} /> : <h1>Home</h1>}
      {sections.length === 0 && <EmptyState>This catalogue has no movies yet.</EmptyState>}
      {sections.map((section) => {
        const headingId = `genre-row-${section.genre.id}`;
        return (
          <section className="genre-row" key={section.genre.id} aria-labelledby={headingId}>
            <div className="genre-row__header">
              <h2 id={headingId}>{section.genre.name}</h2>
              <Link className="genre-row__more" to={`/browse?genre=${section.genre.id}`}>
                See all {section.total_results}
                <span className="visually-hidden"> {section.genre.name} movies</span>
              </Link>
            </div>
            <MovieGrid movies={section.results} label={`${section.genre.name} movies`} layout="row" />
          </section>
        );
      })}
    </div>
  );
}
