import { describe, expect, it } from 'vitest';
import {
  gatewayVirtualServices,
  httpRoutesAsVirtualServices,
  matchRequest,
  type RequestInfo,
  rewritePath,
  splitOf,
  summarizeRules,
} from '../src/index.js';
import { renderedObjects } from '../src/testing.js';

const get = (path: string, headers: Record<string, string> = {}): RequestInfo => ({
  method: 'GET',
  path,
  headers,
});

/** Every path over a small alphabet up to a length: enough to hit each branch of the frontend regex. */
function allPaths(alphabet: string[], maxLength: number): string[] {
  const paths: string[] = [];
  const walk = (path: string) => {
    paths.push(path);
    if (path.length < maxLength) for (const c of alphabet) walk(path + c);
  };
  walk('/');
  return paths;
}

describe('gateway routes of the Istio overlays', () => {
  it('frontend and backend VirtualServices are disjoint: exactly one matches every path', async () => {
    const [backend, frontend] = gatewayVirtualServices(await renderedObjects('80-20'));
    expect(backend?.metadata.name).toBe('movie-backend');
    expect(frontend?.metadata.name).toBe('movie-frontend');
    if (!backend || !frontend) return;
    const paths = allPaths(['/', 'a', 'p', 'i', 'x'], 7);
    expect(paths.length).toBeGreaterThan(15_000);
    for (const path of [...paths, ...paths.map((p) => `${p}?q=/api/`)]) {
      const toBackend = matchRequest([backend], get(path)) !== undefined;
      const toFrontend = matchRequest([frontend], get(path)) !== undefined;
      if (toBackend === toFrontend) throw new Error(`${path}: backend ${toBackend}, frontend ${toFrontend}`);
      expect(toBackend).toBe(path.startsWith('/api/'));
    }
  });

  it('rewrites /api/ to / for the backend', async () => {
    const virtualServices = gatewayVirtualServices(await renderedObjects('80-20'));
    const decision = matchRequest(virtualServices, get('/api/movies?page=2'));
    expect(decision && rewritePath(decision, '/api/movies?page=2')).toBe('/movies?page=2');
  });

  it('header routing: premium users get v2, everyone else the 80/20 split', async () => {
    const virtualServices = gatewayVirtualServices(await renderedObjects('header-routing'));
    expect(splitOf(virtualServices, get('/api/', { 'x-user-type': 'premium' }))).toEqual({ v2: 100 });
    expect(splitOf(virtualServices, get('/api/', { 'x-user-type': 'basic' }))).toEqual({ v1: 80, v2: 20 });
    expect(splitOf(virtualServices)).toEqual({ v1: 80, v2: 20 });
    // The premium header alone does not pull the UI into the backend.
    expect(
      matchRequest(virtualServices, get('/', { 'x-user-type': 'premium' }))?.virtualService.metadata.name,
    ).toBe('movie-frontend');
  });

  it('fault injection delays 20 % and aborts 10 % on top of 80/20; mirroring copies to v2 on top of 100-0', async () => {
    const weighted = (rules: ReturnType<typeof summarizeRules>) =>
      rules.find((r) => r.name === 'weighted-split');
    const faultRules = summarizeRules(gatewayVirtualServices(await renderedObjects('fault-injection')));
    const faults = weighted(faultRules);
    // Pinned visitors get the same faults as new ones.
    expect(faultRules.filter((r) => r.virtualService === 'movie-backend').map((r) => r.fault)).toEqual(
      Array(3).fill(faults?.fault),
    );
    expect(faults?.fault).toEqual({
      delay: { fixedDelay: '2s', percent: 20 },
      abort: { httpStatus: 503, percent: 10 },
    });
    expect(faults?.destinations.map((d) => d.weight)).toEqual([80, 20]);
    const mirror = weighted(summarizeRules(gatewayVirtualServices(await renderedObjects('mirroring'))));
    expect(mirror?.mirror).toEqual({ host: 'movie-backend', subset: 'v2', percent: 100 });
    expect(mirror?.destinations.map((d) => [d.subset, d.weight])).toEqual([
      ['v1', 100],
      ['v2', 0],
    ]);
  });
});

describe('gateway-api overlay on a cluster without a load balancer', () => {
  // kind has none: with Istio's default LoadBalancer Service the Gateway stays Programmed=False
  // (AddressNotAssigned) and `kubectl wait --for=condition=Programmed` never returns (issue 20).
  it('asks Istio for a ClusterIP Service, reached by port-forward', async () => {
    const objects = await renderedObjects('gateway-api');
    const gateways = objects.filter(
      (object) =>
        object.kind === 'Gateway' && String(object.apiVersion).startsWith('gateway.networking.k8s.io/'),
    );
    expect(gateways.map((gateway) => (gateway.metadata as { annotations?: unknown }).annotations)).toEqual([
      { 'networking.istio.io/service-type': 'ClusterIP' },
    ]);
  });
});

describe('gateway-api overlay read as VirtualServices', () => {
  it('keeps the 80/20 split of the overlay it is built on, reading per-version Services as subsets', async () => {
    const objects = await renderedObjects('gateway-api');
    expect(objects.some((object) => object.kind === 'VirtualService')).toBe(false);
    const virtualServices = httpRoutesAsVirtualServices(objects);
    expect(virtualServices.map((vs) => vs.metadata.name)).toEqual(['movie-backend', 'movie-frontend']);
    expect(splitOf(virtualServices)).toEqual({ v1: 80, v2: 20 });
    const backendRule = matchRequest(virtualServices, get('/api/'))?.rule;
    expect(backendRule?.route.map((d) => [d.destination.host, d.destination.subset])).toEqual([
      ['movie-backend', 'v1'],
      ['movie-backend', 'v2'],
    ]);
  });

  it('follows Gateway API path semantics: /api/ prefix matches /api and /api/x, not /apix', async () => {
    const virtualServices = httpRoutesAsVirtualServices(await renderedObjects('gateway-api'));
    const target = (path: string) => matchRequest(virtualServices, get(path))?.virtualService.metadata.name;
    expect(target('/api/movies')).toBe('movie-backend');
    expect(target('/api')).toBe('movie-backend');
    expect(target('/apix')).toBe('movie-frontend');
    expect(target('/')).toBe('movie-frontend');
    const decision = matchRequest(virtualServices, get('/api/genres'));
    expect(decision && rewritePath(decision, '/api/genres')).toBe('/genres');
  });
});
