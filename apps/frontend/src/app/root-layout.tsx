import { useRef } from 'react';
import { Link, NavLink, Outlet } from 'react-router';
import { BackendVersionBadge } from '../features/backend-version/components/backend-version-badge';
import { PremiumNotice } from '../features/premium-user/components/premium-notice';
import { PremiumToggle } from '../features/premium-user/components/premium-toggle';
import { NewVisitorButton, VisitorNotice } from '../features/visitor/components/new-visitor';
import { useScrollRestoration } from '../lib/use-scroll-restoration';

const navItems = [
  { to: '/', label: 'Home', end: true },
  { to: '/browse', label: 'Browse', end: false },
  { to: '/traffic', label: 'Traffic', end: false },
];

export function RootLayout() {
  const mainRef = useRef<HTMLElement>(null);

  // A new page starts at the top, Back returns to where the page was scrolled, and focus moves to the page so
  // keyboard and screen-reader users start there.
  useScrollRestoration(() => mainRef.current?.focus({ preventScroll: true }));

  return (
    <div className="layout">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <Link to="/" className="site-header__brand">
          <svg className="site-header__logo" viewBox="0 0 32 32" width="24" height="24" aria-hidden="true">
            <rect width="32" height="32" rx="6" fill="#c2410c" />
            <path d="M9 8h14v16H9z" fill="#fff" />
            <path d="M14 12l6 4-6 4z" fill="#c2410c" />
          </svg>
          Movie catalogue
        </Link>
        <nav aria-label="Main" className="site-nav">
          <ul>
            {navItems.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to} end={item.end}>
                  {item.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="site-header__status">
          <BackendVersionBadge />
          <NewVisitorButton />
          <PremiumToggle />
        </div>
      </header>
      <div className="header-notices">
        <VisitorNotice />
        <PremiumNotice />
      </div>
      <main id="main" ref={mainRef} tabIndex={-1} className="site-main">
        <Outlet />
      </main>
      <footer className="site-footer">
        <p>
          One backend image, two catalogues: v1 serves Bollywood, v2 serves Hollywood. The mesh draws a
          version for each new visitor and keeps it (the movie-version cookie); the badge shows which one
          served the page, and “New visitor” draws again.
        </p>
        <p className="site-footer__attribution">
          Film data and images from{' '}
          <a href="https://www.themoviedb.org" rel="noopener noreferrer">
            TMDB
          </a>
          . This product uses the TMDB API but is not endorsed or certified by TMDB.
        </p>
      </footer>
    </div>
  );
}
