import type { ReactNode } from 'react';
import type { ApiError } from '../lib/api-client';

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

export function ErrorState({
  error,
  onRetry,
  title = 'Something went wrong',
}: {
  error: ApiError;
  onRetry: () => void;
  title?: string;
}) {
  const servedBy = error.servedBy?.version ? ` (answered by ${error.servedBy.version})` : '';
  return (
    <div className="error-state" role="alert">
      <h2 className="error-state__title">{title}</h2>
      <p>
        {error.message}
        {error.status ? ` — HTTP ${error.status}${servedBy}` : ''}
      </p>
      <button type="button" className="button" onClick={onRetry}>
        Retry
      </button>
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
