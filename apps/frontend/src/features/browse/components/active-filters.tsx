import { Link } from 'react-router';
import { type BrowseParams, toSearchParams } from '../hooks/use-browse-params';

/** The page heading names what is shown: "Romance · search 'dil'", "Search 'dil'", "Romance", or "Browse". */
export function browseHeading(params: Pick<BrowseParams, 'q'>, genreName: string | undefined): string {
  const search = params.q ? `search '${params.q}'` : null;
  if (genreName && search) return `${genreName} · ${search}`;
  if (genreName) return genreName;
  if (search) return `Search '${params.q}'`;
  return 'Browse';
}

const hrefOf = (params: BrowseParams) => {
  const search = toSearchParams(params).toString();
  return search ? `/browse?${search}` : '/browse';
};

/** One removable chip per active filter (genre, search), and "Clear all" back to the whole catalogue. */
export function ActiveFilters({
  params,
  genreName,
}: {
  params: BrowseParams;
  genreName: string | undefined;
}) {
  const chips: Array<{ key: string; label: string; href: string }> = [];
  if (params.genre !== undefined) {
    const label = `Genre: ${genreName ?? params.genre}`;
    chips.push({ key: 'genre', label, href: hrefOf({ ...params, genre: undefined, page: 1 }) });
  }
  if (params.q)
    chips.push({ key: 'q', label: `Search: ${params.q}`, href: hrefOf({ ...params, q: '', page: 1 }) });
  if (chips.length === 0) return null;
  return (
    <ul className="active-filters" aria-label="Active filters">
      {chips.map((chip) => (
        <li key={chip.key}>
          <Link className="chip chip--removable" to={chip.href}>
            {chip.label}
            <span aria-hidden="true">×</span>
            <span className="visually-hidden"> (remove)</span>
          </Link>
        </li>
      ))}
      <li>
        <Link className="active-filters__clear" to={hrefOf({ ...params, genre: undefined, q: '', page: 1 })}>
          Clear all
        </Link>
      </li>
    </ul>
  );
}
