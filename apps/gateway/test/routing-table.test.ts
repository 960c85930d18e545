import { WeightsError } from '@movies/mesh';
import { describe, expect, it } from 'vitest';
import { createRoutingTable, OverlayLoader, RoutingError, tableWithWeights } from '../src/routing-table.js';
import { resolveUpstreams } from '../src/upstreams.js';
import { frontend, v1, v2, virtualService } from './helpers.js';

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

describe('createRoutingTable and tableWithWeights, by hand', () => {
  const split = {
    name: 'split',
    match: [{ uri: { prefix: '/api/' } }],
    route: [
      { ...v1, weight: 80 },
      { ...v2, weight: 20 },
    ],
  };
  const source = (virtualServices: ReturnType<typeof virtualService>[], extra: object = {}) => ({
    source: 'custom',
    overlay: undefined,
    via: 'inline' as const,
    virtualServices,
    ...extra,
  });

  it('starts every destination’s count, mirrors included, and every stat at 0', () => {
    const mirrored = { ...split, mirror: { host: 'movie-frontend' } };
    const table = createRoutingTable(source([virtualService('movie-backend', [mirrored])]), upstreams);
    expect(table.counts).toStrictEqual({ v1: 0, v2: 0, 'movie-frontend': 0 });
    expect(table.stats).toStrictEqual({ mirrored: 0, delayed: 0, aborted: 0, unrouted: 0 });
    expect(table.weights).toEqual({ v1: 80, v2: 20 });
    expect(table.rules.map((rule) => rule.name)).toEqual(['split']);
    expect(table.updatedAt).toBeInstanceOf(Date);
  });

  it('offers the DestinationRule’s subsets for a split, else the upstreams of the weighted host, else none', () => {
    const backend = [virtualService('movie-backend', [split])];
    expect(createRoutingTable(source(backend), upstreams).subsets).toEqual(['v1', 'v2']);
    const declared = source(backend, { destinationRuleSubsets: { 'movie-backend': ['v1', 'v2', 'v3'] } });
    expect(createRoutingTable(declared, upstreams).subsets).toEqual(['v1', 'v2', 'v3']);
    const empty = source(backend, { destinationRuleSubsets: { 'movie-backend': [] } });
    expect(createRoutingTable(empty, upstreams).subsets).toEqual(['v1', 'v2']);
    const other = source(backend, { destinationRuleSubsets: { 'movie-frontend': ['x'] } });
    expect(createRoutingTable(other, upstreams).subsets).toEqual(['v1', 'v2']);
    const elsewhere = [virtualService('ui', [{ match: [{ uri: { prefix: '/ui' } }], route: [frontend] }])];
    expect(createRoutingTable(source(elsewhere), upstreams).subsets).toEqual([]);
  });

  it('names the overlay and every unmapped destination, in the right number', () => {
    const v3 = { destination: { host: 'movie-backend', subset: 'v3' } };
    const v4 = { destination: { host: 'movie-backend', subset: 'v4' } };
    const known = 'known: movie-backend/v1, movie-backend/v2, movie-frontend';
    expect(() =>
      createRoutingTable(
        source([virtualService('b', [{ route: [v3, v4] }])], { overlay: '80-20' }),
        upstreams,
      ),
    ).toThrow(
      new RoutingError(
        `overlay "80-20" route to movie-backend/v3, movie-backend/v4, which have no local upstream (${known})`,
      ),
    );
    try {
      createRoutingTable(source([virtualService('b', [{ route: [v3] }])]), upstreams);
    } catch (error) {
      expect([(error as RoutingError).name, (error as RoutingError).code]).toEqual([
        'RoutingError',
        'MESH_BAD_UPSTREAMS',
      ]);
    }
    expect.assertions(2);
  });

  it('refuses a split when no rule takes a plain /api/ request, naming the routing', () => {
    const elsewhere = [virtualService('ui', [{ match: [{ uri: { prefix: '/ui' } }], route: [frontend] }])];
    const table = createRoutingTable(source(elsewhere, { source: 'mirroring' }), upstreams);
    expect(() => tableWithWeights(table, { v1: 100 }, upstreams)).toThrow(
      new WeightsError('the current routing (mirroring) has no rule for /api/'),
    );
  });

  it('refuses a split naming a subset the table does not offer', () => {
    const table = createRoutingTable(source([virtualService('movie-backend', [split])]), upstreams);
    expect(() => tableWithWeights(table, { v1: 50, v3: 50 }, upstreams)).toThrow(WeightsError);
    expect(tableWithWeights(table, { v1: 0, v2: 100 }, upstreams).weights).toEqual({ v1: 0, v2: 100 });
  });
});
