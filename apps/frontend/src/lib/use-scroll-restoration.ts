import { useEffect, useLayoutEffect, useRef } from 'react';
import { useLocation, useNavigationType } from 'react-router';

/** Scroll position per history entry (react-router's location.key), recorded as the user scrolls. */
const positions = new Map<string, number>();

/**
 * Restores `top` once the page is tall enough (its data arrives after the navigation), for at most `patienceMs`,
 * and gives up as soon as the user scrolls on their own. Returns a cancel function.
 */
export function restoreScroll(top: number, patienceMs = 5_000): () => void {
  const started = performance.now();
  let frame = 0;
  const stop = () => {
    cancelAnimationFrame(frame);
    for (const type of ['wheel', 'touchstart', 'keydown'] as const) window.removeEventListener(type, stop);
  };
  for (const type of ['wheel', 'touchstart', 'keydown'] as const) {
    window.addEventListener(type, stop, { passive: true });
  }
  const attempt = () => {
    const reachable = document.documentElement.scrollHeight - window.innerHeight;
    if (reachable >= top || performance.now() - started > patienceMs) {
      window.scrollTo(0, Math.min(top, Math.max(reachable, 0)));
      stop();
      return;
    }
    frame = requestAnimationFrame(attempt);
  };
  attempt();
  return stop;
}

/**
 * Back and forward return to where the page was scrolled; any other move to a new page starts at the top.
 * `onPageChange` runs after every change of page (the layout moves focus there).
 */
export function useScrollRestoration(onPageChange: () => void): void {
  const location = useLocation();
  const navigationType = useNavigationType();
  const previousPath = useRef<string | null>(null);
  const onPageChangeRef = useRef(onPageChange);
  onPageChangeRef.current = onPageChange;

  useEffect(() => {
    if ('scrollRestoration' in window.history) window.history.scrollRestoration = 'manual';
  }, []);

  // The entry a scroll belongs to switches in the same task as the DOM of the new page is committed, so a scroll
  // caused by the old page's DOM going away is never recorded as the old page's position.
  const activeKey = useRef(location.key);
  useLayoutEffect(() => {
    activeKey.current = location.key;
  }, [location.key]);
  useEffect(() => {
    const record = () => positions.set(activeKey.current, window.scrollY);
    window.addEventListener('scroll', record, { passive: true });
    return () => window.removeEventListener('scroll', record);
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs once per history entry.
  useEffect(() => {
    const before = previousPath.current;
    previousPath.current = location.pathname;
    if (before === null) return; // the first page: the browser decides
    const saved = navigationType === 'POP' ? positions.get(location.key) : undefined;
    if (saved !== undefined) {
      onPageChangeRef.current();
      return restoreScroll(saved);
    }
    if (before === location.pathname) return; // a new filter or page of the same list keeps its place
    window.scrollTo(0, 0);
    onPageChangeRef.current();
  }, [location.key]);
}
