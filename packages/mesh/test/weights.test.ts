/** A requested split, checked and applied: unit tests on hand-written VirtualServices (no kubectl). */
import { describe, expect, it } from 'vitest';
import { WeightsError } from '../src/errors.js';
import type { VirtualService } from '../src/virtual-service.js';
import { validateWeights, withWeights } from '../src/weights.js';
import { virtualService } from './virtual-service-fixture.js';

const to = (subset: string, weight?: number) => ({
  destination: { host: 'movie-backend', subset },
  ...(weight === undefined ? {} : { weight }),
});

describe('validateWeights', () => {
  it('accepts whole numbers from 0 to 100 that sum to 100, and returns them in the order given', () => {
    const weights = { v2: 20, v1: 80 };
    expect(validateWeights(weights)).toBe(weights);
    expect(Object.keys(validateWeights({ v2: 20, v1: 80 }))).toEqual(['v2', 'v1']);
    expect(validateWeights({ v1: 100, v2: 0 })).toEqual({ v1: 100, v2: 0 });
    expect(validateWeights({ v1: 0, v2: 100 })).toEqual({ v1: 0, v2: 100 });
    expect(validateWeights({ v1: 100 }, ['v1', 'v2'])).toEqual({ v1: 100 });
  });

  it('refuses a weight below 0, above 100 or not whole, naming it', () => {
    const refuse = (weights: Record<string, number>) => () => validateWeights(weights);
    expect(refuse({ v1: 101, v2: -1 })).toThrow(
      new WeightsError('weight for v1 must be a whole number from 0 to 100, got 101'),
    );
    expect(refuse({ v1: 100, v2: -1, v3: 1 })).toThrow(
      new WeightsError('weight for v2 must be a whole number from 0 to 100, got -1'),
    );
    expect(refuse({ v1: 99.5, v2: 0.5 })).toThrow(
      new WeightsError('weight for v1 must be a whole number from 0 to 100, got 99.5'),
    );
    expect(refuse({ v1: Number.NaN })).toThrow(WeightsError);
  });

  it('refuses weights that do not sum to 100, showing the sum', () => {
    expect(() => validateWeights({ v1: 80, v2: 10 })).toThrow(
      new WeightsError('weights must sum to 100, got 90 (80 + 10)'),
    );
    expect(() => validateWeights({ v1: 100, v2: 1 })).toThrow(
      new WeightsError('weights must sum to 100, got 101 (100 + 1)'),
    );
  });

  it('refuses no weights and unknown subsets', () => {
    expect(() => validateWeights({})).toThrow(new WeightsError('no weights given'));
    expect(() => validateWeights({ v1: 50, v3: 50 }, ['v1', 'v2'])).toThrow(
      new WeightsError('unknown subset "v3" (known: v1, v2)'),
    );
  });

  it('throws a coded error', () => {
    try {
      validateWeights({});
    } catch (error) {
      expect((error as WeightsError).code).toBe('MESH_BAD_WEIGHTS');
    }
    expect.assertions(1);
  });
});

describe('withWeights', () => {
  const premium = {
    name: 'premium',
    match: [{ uri: { prefix: '/api/' }, headers: { 'x-user-type': { exact: 'premium' } } }],
    route: [to('v2')],
  };
  const split = { name: 'split', match: [{ uri: { prefix: '/api/' } }], route: [to('v1', 80), to('v2', 20)] };
  const frontend = virtualService(
    [{ name: 'ui', route: [{ destination: { host: 'movie-frontend' } }] }],
    'movie-frontend',
  );

  it('sets the weights on the rule a plain /api/ request takes and leaves every other rule and VirtualService alone', () => {
    const backend = virtualService([premium, split]);
    const [shifted, ui] = withWeights([backend, frontend], { v1: 30, v2: 70 });
    expect(ui).toBe(frontend);
    expect(shifted?.spec.http[0]).toBe(backend.spec.http[0]);
    expect(shifted?.spec.http[1]?.route).toStrictEqual([to('v1', 30), to('v2', 70)]);
    expect(shifted?.spec.http[1]?.name).toBe('split');
    expect(shifted?.metadata).toEqual(backend.metadata);
    expect(shifted?.spec.hosts).toEqual(['*']);
    expect(backend.spec.http[1]?.route).toStrictEqual([to('v1', 80), to('v2', 20)]);
  });

  it('gives a subset left out weight 0, keeping it in its place', () => {
    const [shifted] = withWeights([virtualService([split])], { v2: 100 });
    expect(shifted?.spec.http[0]?.route).toStrictEqual([to('v1', 0), to('v2', 100)]);
  });

  it('gives a destination without a subset weight 0', () => {
    const hostOnly = virtualService([{ route: [{ destination: { host: 'movie-backend' } }, to('v1', 100)] }]);
    const [shifted] = withWeights([hostOnly], { v1: 100 });
    expect(shifted?.spec.http[0]?.route.map((d) => d.weight)).toEqual([0, 100]);
    // A weight keyed "undefined" names no subset of the rule, so it is refused rather than reaching it.
    expect(() => withWeights([hostOnly], { v1: 50, undefined: 50 })).toThrow(
      new WeightsError(
        'rule (unnamed) has no destination with subset undefined (it routes to: movie-backend, v1)',
      ),
    );
  });

  it('refuses a subset the rule lacks, naming it and what the rule routes to', () => {
    expect(() => withWeights([virtualService([split])], { v1: 50, v2: 25, v3: 25 })).toThrow(
      new WeightsError('rule split has no destination with subset v3 (it routes to: v1, v2)'),
    );
  });

  it('shifts the rule the given request takes', () => {
    const premiumSplit = { ...premium, route: [to('v2', 100), to('v1', 0)] };
    const backend = virtualService([premiumSplit, split]);
    const premiumRequest = { method: 'GET', path: '/api/movies', headers: { 'x-user-type': 'premium' } };
    const [shifted] = withWeights([backend], { v1: 100, v2: 0 }, premiumRequest);
    expect(shifted?.spec.http[0]?.route).toStrictEqual([to('v2', 0), to('v1', 100)]);
    expect(shifted?.spec.http[1]).toBe(backend.spec.http[1]);
  });

  it('refuses when no rule routes the request', () => {
    const elsewhere = virtualService([{ match: [{ uri: { prefix: '/other' } }], route: [to('v1')] }]);
    expect(() => withWeights([elsewhere], { v1: 100 })).toThrow(
      new WeightsError('no VirtualService rule routes /api/'),
    );
  });

  it('brings sticky pin rules in line with the new weights', () => {
    const cookie = (subset: string) => ({
      response: { add: { 'set-cookie': `movie-version=${subset}; Path=/` } },
    });
    const sticky = virtualService([
      {
        name: 'weighted',
        route: [
          { ...to('v1', 100), headers: cookie('v1') },
          { ...to('v2', 0), headers: cookie('v2') },
        ],
      },
    ]);
    const [shifted] = withWeights([sticky], { v1: 50, v2: 50 });
    expect(shifted?.spec.http.map((rule) => rule.name)).toEqual(['pin-v1', 'pin-v2', 'weighted']);
    const [back] = withWeights([shifted as VirtualService], { v1: 100 });
    expect(back?.spec.http.map((rule) => rule.name)).toEqual(['pin-v1', 'weighted']);
  });
});
