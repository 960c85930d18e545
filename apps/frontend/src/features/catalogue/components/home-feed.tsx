import { Link } from 'react-router';
import { MovieGrid } from '../../../components/movie-grid';
import { EmptyState, ErrorState, Loading } from '../../../components/query-states';
import { catalogueLabel } from '../../../lib/catalogue';
import { useApiQuery } from '../../../lib/use-api-query';
import { useDocumentTitle } from '../../../lib/use-document-title';
import { getHomeFeed } from '../api/get-home-feed';
import { Hero } from './hero';

export const homeFeedKey = 'home';

export function HomeFeedView() {
  const query = useApiQuery(homeFeedKey, getHomeFeed, { main: true });
  useDocumentTitle(query.status === 'success' ? `${catalogueLabel(query.servedBy)} picks` : 'Home');

  if (query.status === 'loading') {
    // At least a screen tall, like the feed it stands for: the footer is not in view only to be pushed out.
    return (
      <div className="home home--loading">
        <h1 className="visually-hidden">Home</h1>
        <Loading isSlow={query.isSlow} label="Loading the home feed" />
      </div>
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
      {hero ? (
        <Hero movie={hero} servedBy={query.servedBy} genres={sections.map((section) => section.genre)} />
      ) : (
        <h1>Home</h1>
      )}
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
