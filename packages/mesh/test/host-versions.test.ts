import { describe, expect, it } from 'vitest';
import { hostVersions, loadOverlay, subsetlessHosts, weightsByVersion } from '../src/index.js';

const service = (name: string, app: string) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'movies' },
  spec: { selector: { app } },
});
const deployment = (name: string, labels: Record<string, string>) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'movies' },
  spec: { selector: { matchLabels: { app: labels.app } }, template: { metadata: { labels } } },
});

describe('versions behind Service destinations (Flagger)', () => {
  const objects = [
    service('movie-backend-primary', 'movie-backend-primary'),
    service('movie-backend-canary', 'movie-backend'),
    service('unlabelled', 'nothing-versioned'),
    deployment('movie-backend-primary', { app: 'movie-backend-primary', version: 'v1' }),
    deployment('movie-backend', { app: 'movie-backend', version: 'v2' }),
    deployment('nothing-versioned', { app: 'nothing-versioned' }),
  ];

  it("reads each Service's version from the pods it selects, by short or full host name", () => {
    expect(
      hostVersions(
        ['movie-backend-primary', 'movie-backend-canary.movies.svc.cluster.local', 'unlabelled', 'missing'],
        objects,
        'movies',
      ),
    ).toEqual({ 'movie-backend-primary': 'v1', 'movie-backend-canary': 'v2' });
    // Another namespace's Services are not these.
    expect(hostVersions(['movie-backend-primary'], objects, 'other')).toEqual({});
  });

  it('adds up destinations that serve the same version, and keeps unknown keys as they are', () => {
    const versions = { 'movie-backend-primary': 'v2', 'movie-backend-canary': 'v2' };
    expect(weightsByVersion({ 'movie-backend-primary': 100, 'movie-backend-canary': 0 }, versions)).toEqual({
      v2: 100,
    });
    expect(
      weightsByVersion({ 'movie-backend-primary': 80, elsewhere: 20 }, { 'movie-backend-primary': 'v1' }),
    ).toEqual({
      v1: 80,
      elsewhere: 20,
    });
  });

  it('finds no Service destinations in the split overlays, which route to subsets', async () => {
    const { virtualServices } = await loadOverlay('80-20', { kubectl: false });
    expect(subsetlessHosts(virtualServices)).toEqual([]);
  });
});
