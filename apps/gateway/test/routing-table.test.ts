import { describe, expect, it } from 'vitest';
import { createRoutingTable, OverlayLoader, RoutingError, tableWithWeights } from '../src/routing-table.js';
import { resolveUpstreams } from '../src/upstreams.js';
import { v1, v2, virtualService } from './helpers.js';

const upstreams = resolveUpstreams();

describe('routing tables', () => {
  it('refuses VirtualServices that route to a destination with no local upstream', () => {
    const routes = [
      virtualService('movie-backend', [
        { route: [{ destination: { host: 'movie-backend', subset: 'v3' } }] },
      ]),
    ];
    expect(() =>
      createRoutingTable(
        { source: 'custom', overlay: undefined, via: 'inline', virtualServices: routes },
        upstreams,
      ),
    ).toThrow(
      new RoutingError(
        'the VirtualServices route to movie-backend/v3, which has no local upstream (known: movie-backend/v1, movie-backend/v2, movie-frontend)',
      ),
    );
  });

  it('derives a custom split that keeps the other rules and starts its own counts', () => {
    const premium = {
      name: 'premium',
      match: [{ uri: { prefix: '/api/' }, headers: { 'x-user-type': { exact: 'premium' } } }],
      route: [v2],
    };
    const split = {
      name: 'split',
      match: [{ uri: { prefix: '/api/' } }],
      route: [
        { ...v1, weight: 80 },
        { ...v2, weight: 20 },
      ],
    };
    const table = createRoutingTable(
      {
        source: 'header-routing',
        overlay: 'header-routing',
        via: 'inline',
        virtualServices: [virtualService('movie-backend', [premium, split])],
      },
      upstreams,
    );
    table.counts.v1 = 7;
    const custom = tableWithWeights(table, { v1: 95, v2: 5 }, upstreams);
    expect(custom).toMatchObject({
      source: 'custom',
      overlay: 'header-routing',
      weights: { v1: 95, v2: 5 },
      counts: { v1: 0, v2: 0 },
    });
    expect(custom.rules.map((rule) => rule.name)).toEqual(['premium', 'split']);
    expect(custom.rules[0]?.destinations).toEqual([{ host: 'movie-backend', subset: 'v2', weight: 100 }]);
  });

  it('reuses a rendered overlay until a file under k8s/ changes', async () => {
    const loader = new OverlayLoader();
    const first = loader.load('80-20');
    expect(loader.load('80-20')).toBe(first);
    expect((await first).virtualServices.map((vs) => vs.metadata.name).sort()).toEqual([
      'movie-backend',
      'movie-frontend',
    ]);
  });
});
