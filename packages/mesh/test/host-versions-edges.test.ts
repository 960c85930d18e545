/** Versions behind Service destinations at their edges: unit tests on hand-written objects (no files). */
import { describe, expect, it } from 'vitest';
import { hostVersions, subsetlessHosts } from '../src/host-versions.js';
import { parseVirtualService } from '../src/virtual-service.js';

const service = (name: string, selector?: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'movies' },
  spec: selector ? { selector } : {},
});
const deployment = (name: string, labels: Record<string, string>) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'movies' },
  spec: { selector: { matchLabels: labels }, template: { metadata: { labels } } },
});

describe('subsetlessHosts', () => {
  it('lists each Service host the plain request’s rule routes to once, skipping subsets', () => {
    const vs = parseVirtualService({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'movie-backend' },
      spec: {
        hosts: ['*'],
        http: [
          {
            match: [{ uri: { prefix: '/api/' } }],
            route: [
              { destination: { host: 'movie-backend-primary' }, weight: 60 },
              { destination: { host: 'movie-backend', subset: 'v1' }, weight: 20 },
              { destination: { host: 'movie-backend-canary' }, weight: 10 },
              { destination: { host: 'movie-backend-primary', port: { number: 80 } }, weight: 10 },
            ],
          },
        ],
      },
    });
    expect(subsetlessHosts([vs])).toEqual(['movie-backend-primary', 'movie-backend-canary']);
    expect(subsetlessHosts([vs], { method: 'GET', path: '/other', headers: {} })).toEqual([]);
    expect(subsetlessHosts([])).toEqual([]);
  });
});

describe('hostVersions', () => {
  it('leaves out a Service without a selector, or with an empty one', () => {
    const objects = [service('bare'), service('empty', {}), deployment('one', { app: 'one', version: 'v1' })];
    expect(hostVersions(['bare', 'empty'], objects, 'movies')).toEqual({});
  });

  it('ignores pods without a version label, and leaves out a Service whose pods carry several versions', () => {
    const objects = [
      service('mixed', { app: 'movie-backend' }),
      service('half', { tier: 'api' }),
      deployment('a', { app: 'movie-backend', tier: 'api', version: 'v1' }),
      deployment('b', { app: 'movie-backend', version: 'v2' }),
      deployment('c', { tier: 'api' }),
    ];
    expect(hostVersions(['mixed', 'half'], objects, 'movies')).toEqual({ half: 'v1' });
  });
});
