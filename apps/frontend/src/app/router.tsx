import { lazy, type ReactNode, Suspense } from 'react';
import { Route, Routes } from 'react-router';
import { LoadingGrid } from '../components/query-states';
import { RootLayout } from './root-layout';
import { HomeRoute } from './routes/home';
import { NotFoundRoute } from './routes/not-found';

// Only the home page ships in the initial bundle; every other page is its own chunk, and the traffic panel's
// chunk carries the chart library.
const BrowseRoute = lazy(() => import('./routes/browse'));
const MovieRoute = lazy(() => import('./routes/movie'));
const TrafficRoute = lazy(() => import('./routes/traffic'));

function PageLoading() {
  return <LoadingGrid count={4} label="Loading the page" />;
}

function Lazy({ children }: { children: ReactNode }) {
  return <Suspense fallback={<PageLoading />}>{children}</Suspense>;
}

// Declarative routes (not the data router): the catalogue has no loaders, and this keeps ~30 kB gzip of router
// code out of the initial bundle. Rendered inside a BrowserRouter (app.tsx) or a MemoryRouter (tests).
export function AppRoutes() {
  return (
    <Routes>
      <Route element={<RootLayout />}>
        <Route index element={<HomeRoute />} />
        <Route
          path="browse"
          element={
            <Lazy>
              <BrowseRoute />
            </Lazy>
          }
        />
        <Route
          path="movie/:id"
          element={
            <Lazy>
              <MovieRoute />
            </Lazy>
          }
        />
        <Route
          path="traffic"
          element={
            <Lazy>
              <TrafficRoute />
            </Lazy>
          }
        />
        <Route path="*" element={<NotFoundRoute />} />
      </Route>
    </Routes>
  );
}
