import type { ReactNode } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import type { ApiError } from '../lib/api-client';
import { versionLabel } from '../lib/backend-version-store';
import { usePin } from '../lib/visitor-pin';

export function LoadingGrid({ count = 8, label = 'Loading movies' }: { count?: number; label?: string }) {
  return (
    <div className="skeleton-grid" role="status" aria-label={label} aria-busy="true">
      {Array.from({ length: count }, (_, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: placeholders have no identity.
        <div className="skeleton-card" key={index} aria-hidden="true" />
      ))}
    </div>
  );
}

export function SlowNotice() {
  return (
    <p className="notice notice--slow" role="status">
      This is taking longer than usual — the backend is answering slowly (a fault-injected delay?). Still
      waiting…
    </p>
  );
}

/** Loading placeholder that turns into a visible "slow" state instead of looking frozen. */
export function Loading({
  isSlow,
  skeletonCount,
  label,
}: {
  isSlow: boolean;
  skeletonCount?: number;
  label?: string;
}) {
  return (
    <div className="loading">
      {isSlow && <SlowNotice />}
      <LoadingGrid count={skeletonCount} label={label} />
    </div>
  );
}

/** One sentence that names the version: "v1 (Bollywood) answered 500: injected fault", or what the mesh said. */
export function describeApiError(error: ApiError): string {
  const answeredBy = error.servedBy?.version;
  if (answeredBy && error.status !== null) {
    return `${versionLabel(answeredBy, error.servedBy?.catalogue ?? undefined)} answered ${error.status}: ${error.message}`;
  }
  return error.message;
}

export function ErrorState({
  error,
  onRetry,
  title = 'Something went wrong',
}: {
  error: ApiError;
  onRetry: () => void;
  title?: string;
}) {
  const pin = usePin();
  // No backend answered, and the cookie keeps sending this visitor to that version while its weight is above 0.
  const stuck = !error.servedBy?.version && error.version !== null && error.version === pin;
  return (
    <div className="error-state" role="alert" data-version={error.version ?? undefined}>
      <h2 className="error-state__title">{title}</h2>
      <p>{describeApiError(error)}</p>
      {stuck && (
        <p className="error-state__hint">
          The movie-version cookie pins this visitor to {pin} while {pin} takes traffic. “New visitor” in the
          header draws a version again.
        </p>
      )}
      <button type="button" className="button" onClick={onRetry}>
        Retry
      </button>
    </div>
  );
}

/**
 * A not-found page with the ways on: back where the visitor came from, a retry when the answer could change
 * (`onRetry`), and links to the home page and the catalogue.
 */
export function NotFoundState({
  title,
  children,
  onRetry,
}: {
  title: string;
  children: ReactNode;
  onRetry?: () => void;
}) {
  const navigate = useNavigate();
  // The page a tab opened on has nowhere in the app to go back to (its location key is "default").
  const canGoBack = useLocation().key !== 'default';
  return (
    <div className="not-found" data-testid="not-found">
      <h1>{title}</h1>
      {children}
      <p className="not-found__actions">
        {canGoBack && (
          <button type="button" className="button" onClick={() => navigate(-1)}>
            ← Go back
          </button>
        )}
        {onRetry && (
          <button type="button" className="button button--ghost" onClick={onRetry}>
            Retry
          </button>
        )}
        <Link to="/">Go to the home page</Link>
        <Link to="/browse">Browse the catalogue</Link>
      </p>
    </div>
  );
}

export function EmptyState({ children }: { children: ReactNode }) {
  return (
    <div className="empty-state" role="status">
      {children}
    </div>
  );
}
