import { useCatalogueOf, useMainContent } from '../../../lib/backend-version-store';
import { catalogueLabel, catalogueTone } from '../../../lib/catalogue';
import { usePin } from '../../../lib/visitor-pin';

/**
 * Header badge: the version that served this page's main content (home feed, grid, detail) — not whatever
 * answered last. A page without an API call shows the visitor's pin (the movie-version cookie), or nothing.
 */
export function BackendVersionBadge() {
  const main = useMainContent();
  const pin = usePin();
  const version = main ? main.version : pin;
  const catalogue = useCatalogueOf(version);

  if (main?.status === 'served') {
    return (
      <span
        className={`version-badge version-badge--${catalogueTone(main.servedBy)}`}
        data-testid="version-badge"
        data-state="served"
        data-version={main.version ?? undefined}
        title={`This page's content was served at ${new Date(main.at).toLocaleTimeString('en')}`}
      >
        <span className="visually-hidden">Page content served by </span>
        <strong className="version-badge__version">{main.version}</strong> · {catalogueLabel(main.servedBy)}
      </span>
    );
  }
  if (main) {
    const failed = main.status === 'failed';
    return (
      <span
        className={`version-badge version-badge--${failed ? 'failed' : 'loading'}`}
        data-testid="version-badge"
        data-state={main.status}
        data-version={version ?? undefined}
      >
        {failed ? `${version ?? 'No version'} · not answering` : `Loading${pin ? ` from ${pin}` : ''}…`}
      </span>
    );
  }
  if (!pin) return null;
  const servedBy = { version: pin, catalogue };
  return (
    <span
      className={`version-badge version-badge--pinned version-badge--${catalogueTone(servedBy)}`}
      data-testid="version-badge"
      data-state="pinned"
      data-version={pin}
      title="This page has no API call; the movie-version cookie pins this visitor to this version"
    >
      <span className="visually-hidden">This visitor is pinned to </span>
      <strong className="version-badge__version">{pin}</strong>
      {catalogue ? ` · ${catalogueLabel(servedBy)}` : ''}
      <span aria-hidden="true"> · pinned</span>
    </span>
  );
}
