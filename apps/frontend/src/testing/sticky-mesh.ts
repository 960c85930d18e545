import { VISITOR_COOKIE } from '@movies/contracts/names';
import { seededRandom } from '@movies/contracts/random';
import { HttpResponse, http } from 'msw';
import { writePin } from '../lib/visitor-pin';
import { backendHandlers } from './backend-handlers';
import { bollywood, hollywood } from './fixtures';

// The mesh with sticky sessions as the browser sees it, for component tests: a request without the
// movie-version cookie is drawn by the weights and its answer pins the drawn version (jsdom's document.cookie
// stands in for the browser storing Set-Cookie); a request carrying the pin goes to that version while its weight
// is above 0. `credentials: 'omit'` requests neither send nor store the cookie, as in a browser. The real gateway
// is proven in e2e/canary.e2e.test.ts.

export type Version = 'v1' | 'v2';

export type StickyMeshOptions = {
  weights: Record<Version, number>;
  /** Seed of the draw, so a test's sequence of versions is always the same. */
  seed?: number;
  /** Versions whose backend is down: the gateway answers 503 no healthy upstream. */
  down?: Version[];
  /** Header routing: premium requests go to v2 whatever the pin, as k8s/components/header-routing does. */
  premiumToV2?: boolean;
};

export type StickyMesh = {
  handlers: ReturnType<typeof http.get>[];
  options: StickyMeshOptions;
  /** Every /api/ request: the path, the pin it carried and the version that answered (null: none did). */
  log: Array<{
    path: string;
    pin: string | null;
    version: Version | null;
    startedAt: number;
    endedAt: number;
  }>;
};

function documentPin(): string | null {
  const match = document.cookie.match(new RegExp(`(?:^|;\\s*)${VISITOR_COOKIE}=([^;]*)`));
  return match?.[1] ?? null;
}

export function stickyMesh(options: StickyMeshOptions): StickyMesh {
  const random = seededRandom(options.seed ?? 1);
  const log: StickyMesh['log'] = [];
  const byVersion = {
    v1: backendHandlers({ pick: () => bollywood }),
    v2: backendHandlers({ pick: () => hollywood }),
  };

  const route = (request: Request): { version: Version; pin: string | null; setPin: boolean } => {
    const withCookies = request.credentials !== 'omit';
    const pin = withCookies ? documentPin() : null;
    if (options.premiumToV2 && request.headers.get('x-user-type') === 'premium')
      return { version: 'v2', pin, setPin: false };
    if ((pin === 'v1' || pin === 'v2') && options.weights[pin] > 0)
      return { version: pin, pin, setPin: false };
    const version: Version = random() * 100 < options.weights.v1 ? 'v1' : 'v2';
    return { version, pin, setPin: withCookies };
  };

  const handler = http.get('*/api/*', async ({ request, requestId }) => {
    const startedAt = performance.now();
    const path = new URL(request.url).pathname;
    const { version, pin, setPin } = route(request);
    const entry = { path, pin, version: null as Version | null, startedAt, endedAt: startedAt };
    log.push(entry);
    if (options.down?.includes(version)) {
      entry.endedAt = performance.now();
      // Envoy's answer when the chosen subset has no healthy endpoint: no backend headers.
      return new HttpResponse('no healthy upstream', {
        status: 503,
        headers: { 'content-type': 'text/plain' },
      });
    }
    for (const candidate of byVersion[version]) {
      const result = await candidate.run({ request: request.clone(), requestId });
      if (!result?.response) continue;
      // What the browser does with the answer's Set-Cookie (the app reads the pin after each answer).
      if (setPin) writePin(version, { quiet: true });
      entry.version = version;
      entry.endedAt = performance.now();
      return result.response;
    }
    return HttpResponse.json({ error: { code: 'not_found', message: 'no route' } }, { status: 404 });
  });
  return { handlers: [handler], options, log };
}

/** GET /__mesh as the local gateway answers it (the fields the UI reads). */
export function meshStatusHandler(body: () => Record<string, unknown>) {
  return http.get('*/__mesh', () => HttpResponse.json(body()));
}
