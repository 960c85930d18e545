import { useLastServedBy } from '../../../lib/backend-version-store';
import { catalogueLabel, catalogueTone } from '../../../lib/catalogue';

/** Header badge: which backend version and catalogue answered the most recent API response. */
export function BackendVersionBadge() {
  const last = useLastServedBy();
  if (!last) {
    return (
      <span className="version-badge version-badge--unknown" data-testid="version-badge">
        Waiting for the API…
      </span>
    );
  }
  const version = last.version ?? 'unknown version';
  const catalogue = catalogueLabel(last);
  return (
    <span
      className={`version-badge version-badge--${catalogueTone(last)}`}
      data-testid="version-badge"
      title={`Last API response at ${new Date(last.at).toLocaleTimeString('en')}`}
    >
      <span className="visually-hidden">Last API response served by </span>
      <strong className="version-badge__version">{version}</strong> · {catalogue}
    </span>
  );
}
