import type { MeshState } from '@movies/contracts/mesh-state';
import { describe, expect, it } from 'vitest';
import { parseMeshStatus } from '../parse-mesh-status';

/** GET /__mesh of the local gateway under header-routing, every field as the contract has it. */
const headerRouting: MeshState = {
  source: 'header-routing',
  overlay: 'header-routing',
  via: 'rendered',
  weights: { v1: 100, v2: 0 },
  rules: [],
  counts: { v1: 3 },
  countsSince: '2026-12-01T10:00:00.000Z',
  stats: { mirrored: 0, delayed: 0, aborted: 0, unrouted: 0 },
  upstreams: { 'movie-backend/v1': 'http://127.0.0.1:8001' },
  updatedAt: '2026-12-01T10:00:00.000Z',
  virtualServices: [
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'movie-backend' },
      spec: {
        hosts: ['*'],
        http: [
          {
            match: [{ uri: { prefix: '/api/' }, headers: { 'x-user-type': { exact: 'premium' } } }],
            route: [{ destination: { host: 'movie-backend', subset: 'v2' } }],
          },
        ],
      },
    },
  ],
  subsets: ['v1', 'v2'],
  traffic: {
    windowSeconds: 10,
    window: { v1: { requests: 3, errors: 0 } },
    total: { v1: { requests: 3, errors: 0 } },
  },
};

describe('parseMeshStatus', () => {
  it('reads the fields the UI uses from a whole gateway state, ignoring the rest', () => {
    expect(parseMeshStatus(headerRouting)).toEqual({
      source: 'header-routing',
      weights: { v1: 100, v2: 0 },
      premiumRoute: { header: 'x-user-type', value: 'premium', subset: 'v2' },
      traffic: headerRouting.traffic,
    });
  });

  it('needs only the weights; without counters or routing table those parts are null', () => {
    expect(parseMeshStatus({ weights: { v1: 80, v2: 20 } })).toEqual({
      source: null,
      weights: { v1: 80, v2: 20 },
      premiumRoute: null,
      traffic: null,
    });
  });

  it('is null for what is not a gateway state: an HTML page, no weights, weights off the contract', () => {
    expect(parseMeshStatus('<!doctype html>')).toBeNull();
    expect(parseMeshStatus({ source: '80-20' })).toBeNull();
    expect(parseMeshStatus({ weights: {} })).toBeNull();
    expect(parseMeshStatus({ weights: { v1: 180, v2: -80 } })).toBeNull();
  });
});
