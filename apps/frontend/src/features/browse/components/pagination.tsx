import { Link } from 'react-router';

type PaginationProps = { page: number; totalPages: number; hrefFor: (page: number) => string };

export function Pagination({ page, totalPages, hrefFor }: PaginationProps) {
  if (totalPages <= 1) return null;
  return (
    <nav className="pagination" aria-label="Pagination">
      {page > 1 ? (
        <Link className="button button--ghost" to={hrefFor(page - 1)} rel="prev">
          ← Previous
        </Link>
      ) : (
        <span className="button button--ghost" aria-disabled="true">
          ← Previous
        </span>
      )}
      <span className="pagination__status" aria-current="page">
        Page {page} of {totalPages}
      </span>
      {page < totalPages ? (
        <Link className="button button--ghost" to={hrefFor(page + 1)} rel="next">
          Next →
        </Link>
      ) : (
        <span className="button button--ghost" aria-disabled="true">
          Next →
        </span>
      )}
    </nav>
  );
}
