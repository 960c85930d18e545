import { useEffect, useRef } from 'react';
import { Link, NavLink, Outlet, useLocation } from 'react-router';
import { BackendVersionBadge } from '../features/backend-version/components/backend-version-badge';
import { PremiumToggle } from '../features/premium-user/components/premium-toggle';

const navItems = [
  { to: '/', label: 'Home', end: true },
  { to: '/browse', label: 'Browse', end: false },
  { to: '/traffic', label: 'Traffic', end: false },
];

export function RootLayout() {
  const { pathname } = useLocation();
  const mainRef = useRef<HTMLElement>(null);
  const firstRender = useRef(true);

  // After client-side navigation, start at the top and move focus to the new page so keyboard and
  // screen-reader users start there.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on every path change.
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    window.scrollTo(0, 0);
    mainRef.current?.focus({ preventScroll: true });
  }, [pathname]);

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
          <PremiumToggle />
        </div>
      </header>
      <main id="main" ref={mainRef} tabIndex={-1} className="site-main">
        <Outlet />
      </main>
      <footer className="site-footer">
        <p>
          One backend image, two catalogues: v1 serves Bollywood, v2 serves Hollywood. Reload to watch the
          mesh shift traffic; the badge shows who answered.
        </p>
      </footer>
    </div>
  );
}
