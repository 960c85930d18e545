/**
 * Sticky sessions and the live traffic counters through the real gateway, routed by the real overlays (the
 * sticky-sessions component), with recording upstream servers standing in for v1 and v2.
 */

import type { MeshState } from '@movies/contracts/mesh-state';
import { VISITOR_COOKIE } from '@movies/contracts/names';
import { seededRandom } from '@movies/contracts/random';
import { stickyCookieHeader } from '@movies/mesh';
import { freePort } from '@movies/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Gateway, startGateway } from '../src/gateway.js';
import { type RecordingUpstream, startRecordingUpstream, v1, v2, virtualService } from './helpers.js';

let upstreamV1: RecordingUpstream;
let upstreamV2: RecordingUpstream;
let closedPort: number;
const gateways: Gateway[] = [];

beforeAll(async () => {
  [upstreamV1, upstreamV2] = await Promise.all([startRecordingUpstream('v1'), startRecordingUpstream('v2')]);
  closedPort = await freePort();
});

afterAll(async () => {
  await Promise.all([upstreamV1.close(), upstreamV2.close()]);
});

afterEach(async () => {
  await Promise.all(gateways.splice(0).map((gateway) => gateway.close()));
});

async function gatewayOn(overlay: string, options: { v2Down?: boolean; seed?: number } = {}) {
  const gateway = await startGateway({
    port: 0,
    overlay,
    accessLog: false,
    random: seededRandom(options.seed ?? 1),
    upstreams: {
      'movie-backend/v1': upstreamV1.url,
      'movie-backend/v2': options.v2Down ? `http://127.0.0.1:${closedPort}` : upstreamV2.url,
      'movie-frontend': `http://127.0.0.1:${closedPort}`,
    },
  });
  gateways.push(gateway);
  return gateway;
}

interface Answer {
  status: number;
  subset: string | null;
  cookies: string[];
}

async function get(gateway: Gateway, cookie?: string, path = '/api/movies'): Promise<Answer> {
  const response = await fetch(`${gateway.url}${path}`, { headers: cookie ? { cookie } : {} });
  await response.text();
  return {
    status: response.status,
    subset: response.headers.get('x-mesh-subset'),
    cookies: response.headers.getSetCookie(),
  };
}

async function getMany(gateway: Gateway, n: number, cookie?: string): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let i = 0; i < n; i++) answers.push(await get(gateway, cookie));
  return answers;
}

const ruleNames = (state: MeshState) =>
  state.rules.filter((rule) => rule.virtualService === 'movie-backend').map((rule) => rule.name);

describe('sticky sessions on the 80-20 overlay', () => {
  it('a new visitor follows the weights and is told its version in a movie-version cookie', async () => {
    const gateway = await gatewayOn('80-20');
    const answers = await getMany(gateway, 60);
    expect(new Set(answers.map((a) => a.subset))).toEqual(new Set(['v1', 'v2']));
    for (const answer of answers) {
      // The upstream's own cookies stay; the destination's `add` appends ours (Istio's APPEND_IF_EXISTS_OR_ADD).
      expect(answer.cookies).toEqual(['a=1', 'b=2', stickyCookieHeader(answer.subset as string)]);
    }
    expect(stickyCookieHeader('v2')).toBe('movie-version=v2; Path=/; Max-Age=14400; SameSite=Lax');
  });

  it.each([
    ['movie-version=v2', 'v2'],
    ['theme=dark; movie-version=v1', 'v1'],
    ['movie-version=v2; theme=dark', 'v2'],
  ])('a visitor with cookie %j always reaches %s and is not re-pinned', async (cookie, subset) => {
    const gateway = await gatewayOn('80-20');
    const answers = await getMany(gateway, 40, cookie);
    expect(answers.map((a) => a.subset)).toEqual(Array(40).fill(subset));
    for (const answer of answers) expect(answer.cookies).toEqual(['a=1', 'b=2']);
  });

  it.each(['xmovie-version=v2', 'movie-version=v22', 'movie-version=v3'])(
    'cookie %j pins nothing: the weights decide and a fresh cookie is set',
    async (cookie) => {
      const gateway = await gatewayOn('80-20');
      const answers = await getMany(gateway, 40, cookie);
      expect(new Set(answers.map((a) => a.subset))).toEqual(new Set(['v1', 'v2']));
      for (const answer of answers)
        expect(answer.cookies.at(-1)).toBe(stickyCookieHeader(answer.subset as string));
    },
  );

  it('a pin holds only while its subset has weight: at 100-0 a v2 visitor reaches v1 and is re-pinned', async () => {
    const gateway = await gatewayOn('80-20');
    await gateway.useWeights({ v1: 100, v2: 0 });
    expect(ruleNames(gateway.state())).toEqual(['pin-v1', 'weighted-split']);
    for (const answer of await getMany(gateway, 10, `${VISITOR_COOKIE}=v2`)) {
      expect(answer).toEqual({
        status: 200,
        subset: 'v1',
        cookies: ['a=1', 'b=2', stickyCookieHeader('v1')],
      });
    }
    // v2 coming back gets its pin back: the same visitor, had it kept its old cookie, is on v2 again.
    await gateway.useWeights({ v1: 80, v2: 20 });
    expect(ruleNames(gateway.state())).toEqual(['pin-v1', 'pin-v2', 'weighted-split']);
    expect((await getMany(gateway, 10, `${VISITOR_COOKIE}=v2`)).map((a) => a.subset)).toEqual(
      Array(10).fill('v2'),
    );
  });

  it('the 0-100 overlay sends a visitor pinned to v1 to v2 without an error', async () => {
    const gateway = await gatewayOn('0-100');
    expect(await get(gateway, `${VISITOR_COOKIE}=v1`)).toEqual({
      status: 200,
      subset: 'v2',
      cookies: ['a=1', 'b=2', stickyCookieHeader('v2')],
    });
  });

  it('the gateway-api overlay pins the same way through its HTTPRoute', async () => {
    const gateway = await gatewayOn('gateway-api');
    expect((await getMany(gateway, 20, `${VISITOR_COOKIE}=v2`)).map((a) => a.subset)).toEqual(
      Array(20).fill('v2'),
    );
    const fresh = await get(gateway);
    expect(fresh.cookies.at(-1)).toBe(stickyCookieHeader(fresh.subset as string));
  });

  it('the gateway’s own 503 for a down version carries that version’s cookie, as Envoy’s local reply does', async () => {
    const gateway = await gatewayOn('80-20', { v2Down: true });
    const down = (await getMany(gateway, 60)).filter((a) => a.subset === null);
    expect(down.length).toBeGreaterThan(0);
    for (const answer of down)
      expect(answer).toEqual({ status: 503, subset: null, cookies: [stickyCookieHeader('v2')] });
  });

  it('knows the DestinationRule’s subsets, so a subset at 0 can come back', async () => {
    const gateway = await gatewayOn('100-0');
    expect(gateway.state()).toMatchObject({ subsets: ['v1', 'v2'], weights: { v1: 100, v2: 0 } });
    await gateway.useWeights({ v1: 100 });
    expect(gateway.state().weights).toEqual({ v1: 100, v2: 0 });
    await gateway.useWeights({ v1: 95, v2: 5 });
    expect(gateway.state().weights).toEqual({ v1: 95, v2: 5 });
  });
});

describe('the injected random source', () => {
  it('decides the weighted draws: the same seed gives the same sequence of versions', async () => {
    const sequence = async (seed: number) =>
      (await getMany(await gatewayOn('50-50', { seed }), 30)).map((a) => a.subset).join(',');
    const first = await sequence(7);
    expect(await sequence(7)).toBe(first);
    expect(await sequence(8)).not.toBe(first);
  });
});

describe('GET /__mesh traffic', () => {
  it('counts every request through the gateway per version, with errors and unrouted ones', async () => {
    const gateway = await startGateway({
      port: 0,
      accessLog: false,
      random: seededRandom(3),
      virtualServices: [
        virtualService('movie-backend', [
          {
            name: 'weighted-split',
            match: [{ uri: { prefix: '/api/' } }],
            rewrite: { uri: '/' },
            route: [
              { ...v1, weight: 50 },
              { ...v2, weight: 50 },
            ],
          },
        ]),
      ],
      upstreams: { 'movie-backend/v1': upstreamV1.url, 'movie-backend/v2': upstreamV2.url },
    });
    gateways.push(gateway);
    const answers = [
      ...(await getMany(gateway, 30)),
      await get(gateway, undefined, '/api/status/500'),
      await get(gateway, undefined, '/api/status/503'),
      await get(gateway, undefined, '/nowhere'),
    ];
    const bySubset = (subset: string, error: boolean) =>
      answers.filter((a) => a.subset === subset && a.status >= 500 === error).length;
    const expected = {
      v1: { requests: bySubset('v1', false) + bySubset('v1', true), errors: bySubset('v1', true) },
      v2: { requests: bySubset('v2', false) + bySubset('v2', true), errors: bySubset('v2', true) },
      unrouted: { requests: 1, errors: 0 },
    };
    expect(expected.v1.errors + expected.v2.errors).toBe(2);
    const state = (await (await fetch(`${gateway.url}/__mesh`)).json()) as MeshState;
    expect(state.traffic).toEqual({ windowSeconds: 10, window: expected, total: expected });
    // What /__mesh returned before is all still there.
    expect(Object.keys(state)).toEqual(
      expect.arrayContaining(['source', 'weights', 'rules', 'counts', 'stats', 'virtualServices', 'subsets']),
    );
  });

  it('counts the gateway’s own 503s as errors of the version it could not reach', async () => {
    const gateway = await gatewayOn('0-100', { v2Down: true });
    await getMany(gateway, 5);
    expect(gateway.state().traffic.total).toEqual({ v2: { requests: 5, errors: 5 } });
  });
});
