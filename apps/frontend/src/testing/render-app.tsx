import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, useLocation } from 'react-router';
import { AppProvider } from '../app/provider';
import { AppRoutes } from '../app/router';

/** Exposes the current URL so tests can assert that filters live in it. */
function LocationProbe() {
  const location = useLocation();
  return <output data-testid="location">{`${location.pathname}${location.search}`}</output>;
}

/** Renders the whole app (layout, routes, real api-client) at `path`; the network is MSW's. */
export function renderApp(path = '/', { slowAfterMs = 2_500 }: { slowAfterMs?: number } = {}) {
  const user = userEvent.setup();
  const result = render(
    <AppProvider settings={{ slowAfterMs }}>
      <MemoryRouter initialEntries={[path]}>
        <AppRoutes />
        <LocationProbe />
      </MemoryRouter>
    </AppProvider>,
  );
  return { user, ...result };
}
