import { getHomeFeed } from '../features/catalogue/api/get-home-feed';
import { homeFeedKey } from '../features/catalogue/components/home-feed';
import { prefetch } from '../lib/prefetch';

/**
 * Starts the home page's API call while React is still booting (it would otherwise wait for the first render
 * and its effects). Only the home page: other routes are lazy chunks that load their own data.
 */
export function prefetchInitialRoute(pathname: string): void {
  if (pathname === '/') prefetch(homeFeedKey, getHomeFeed);
}
