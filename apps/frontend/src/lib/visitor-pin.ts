import { VISITOR_COOKIE } from '@movies/contracts/names';
import { createStore, useStore } from './create-store';
import { premiumStore } from './premium-store';

// Shared, not in features/visitor: the api-client holds requests at the pin gate below and reads the pin on every
// answer, and the query states and the version badge show it; lib/ never imports a feature. The visitor feature
// keeps only its UI and the "New visitor" draw.

/**
 * The visitor's pin: the `movie-version` cookie the mesh sets on the first answer of a visit
 * (k8s/components/sticky-sessions). While it is set, every /api/ request of this browser goes to that version
 * as long as its weight is above 0. Not HttpOnly on purpose: the UI reads it, and "New visitor" clears it.
 */
const pinValue = /^[A-Za-z0-9_-]{1,32}$/;

export function readPin(): string | null {
  if (typeof document === 'undefined') return null;
  for (const part of document.cookie.split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0 || part.slice(0, separator).trim() !== VISITOR_COOKIE) continue;
    const value = part.slice(separator + 1).trim();
    return pinValue.test(value) ? value : null;
  }
  return null;
}

/** The pin as last read (after every API answer and every change made here). */
export const pinStore = createStore<string | null>(readPin());

export function syncPin(): void {
  pinStore.set(readPin());
}

export function usePin(): string | null {
  return useStore(pinStore);
}

/**
 * Sets (or with null, deletes) the cookie on the mesh's path. `quiet` leaves the pin store alone: the traffic
 * panel's simulated visitors borrow the jar without the header showing each of them.
 */
export function writePin(value: string | null, { quiet = false }: { quiet?: boolean } = {}): void {
  // biome-ignore lint/suspicious/noDocumentCookie: the Cookie Store API is missing in Firefox and in jsdom.
  document.cookie =
    value === null
      ? `${VISITOR_COOKIE}=; Path=/; Max-Age=0; SameSite=Lax`
      : `${VISITOR_COOKIE}=${value}; Path=/; SameSite=Lax`;
  if (!quiet) syncPin();
}

/** Incremented by "New visitor": every query of the page fetches again as the new visitor. */
export const visitStore = createStore(0);

export function useVisit(): number {
  return useStore(visitStore);
}

// --- One first request per visit -------------------------------------------------------------------------
// A visitor without a pin whose page fires two requests at once gets two independent draws (80-20: 32 % of such
// pages mix versions). So while there is no pin, one request goes alone; the others wait until its answer has
// set the pin, then go out carrying it.

let gate: Promise<void> | null = null;
// A backend answered a lone first request but no pin appeared: this mesh has no sticky sessions (or a header
// rule answered without one). Holding requests back would only slow the page; let them go until something
// changes (a new visitor, the premium toggle).
let stickinessAbsent = false;

export type GateRelease = (answeredBy: string | null) => void;
const noGate: GateRelease = () => {};

/** Resolves when the request may go out; call the returned function once its answer (or failure) is in. */
export async function enterPinGate(): Promise<GateRelease> {
  while (!stickinessAbsent && readPin() === null) {
    if (!gate) {
      let open: () => void = () => {};
      gate = new Promise<void>((resolve) => {
        open = resolve;
      });
      let released = false;
      return (answeredBy) => {
        if (released) return;
        released = true;
        if (answeredBy !== null && readPin() === null) stickinessAbsent = true;
        gate = null;
        open();
      };
    }
    await gate;
  }
  return noGate;
}

/** "New visitor": forget the pin so the next request is drawn by the weights again, and refetch the page. */
export function startNewVisit(): void {
  writePin(null);
  stickinessAbsent = false;
  visitStore.set(visitStore.get() + 1);
}

premiumStore.subscribe(() => {
  stickinessAbsent = false;
});

/** For tests: back to a first visit. */
export function resetVisitor(): void {
  writePin(null);
  stickinessAbsent = false;
  gate = null;
  visitStore.set(0);
}
