import type { MouseEvent } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { readBackState } from '../../../lib/back-navigation';

const modified = (event: MouseEvent) =>
  event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey;

/**
 * "← Back to Home" or "← Back to Browse" when the detail page was opened from one of them: a history step back,
 * so the list comes back as it was (filters, page, scroll position). Opened any other way, a link to browse.
 */
export function BackLink() {
  const location = useLocation();
  const navigate = useNavigate();
  const from = readBackState(location.state);
  if (!from) {
    return (
      <Link className="back-link" to="/browse">
        ← Browse the catalogue
      </Link>
    );
  }
  return (
    <Link
      className="back-link"
      to={`${from.pathname}${from.search}`}
      onClick={(event) => {
        // A plain click steps back in history; a new-tab click opens the list itself.
        if (modified(event)) return;
        event.preventDefault();
        navigate(-1);
      }}
    >
      ← Back to {from.label}
    </Link>
  );
}
