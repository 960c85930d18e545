/** VirtualService header operations applied in Envoy's order: unit tests (no kubectl). */
import { describe, expect, it } from 'vitest';
import {
  applyHeaderMutations,
  effectiveDestinations,
  type HeaderMap,
  headerMutations,
} from '../src/header-operations.js';
import type { HttpRoute, RouteDestination } from '../src/virtual-service.js';

const to = (subset: string, weight?: number, headers?: RouteDestination['headers']): RouteDestination => ({
  destination: { host: 'b', subset },
  ...(weight === undefined ? {} : { weight }),
  ...(headers ? { headers } : {}),
});

describe('effectiveDestinations', () => {
  it('keeps the destinations with weight, or the only one a rule has', () => {
    expect(effectiveDestinations({ route: [to('a', 0)] }).map((d) => d.destination.subset)).toEqual(['a']);
    expect(
      effectiveDestinations({ route: [to('a', 0), to('b', 100), to('c')] }).map((d) => d.destination.subset),
    ).toEqual(['b']);
  });
});

describe('headerMutations', () => {
  it('turns set into overwrites and add into appends, set first, names lower-cased, for the direction asked', () => {
    const only = to('a', 100, {
      request: { add: { 'X-Add': 'a' }, set: { 'X-Set': 's' }, remove: ['X-Gone'] },
      response: { set: { 'x-resp': 'r' } },
    });
    expect(headerMutations({ route: [only] }, only, 'request')).toEqual([
      {
        remove: ['x-gone'],
        write: [
          { name: 'x-set', value: 's', append: false },
          { name: 'x-add', value: 'a', append: true },
        ],
      },
    ]);
    expect(headerMutations({ route: [only] }, only, 'response')).toEqual([
      { remove: [], write: [{ name: 'x-resp', value: 'r', append: false }] },
    ]);
  });

  it('merges the rule’s and a lone destination’s operations into one list, the rule’s first', () => {
    const picked = to('a', 100, { response: { set: { 'x-who': 'destination' }, remove: ['x-d'] } });
    const rule: HttpRoute = {
      headers: { response: { add: { 'x-who': 'rule' }, remove: ['x-r'] } },
      route: [picked, to('b', 0, { response: { set: { 'x-who': 'never' } } })],
    };
    expect(headerMutations(rule, picked, 'response')).toEqual([
      {
        remove: ['x-r', 'x-d'],
        write: [
          { name: 'x-who', value: 'rule', append: true },
          { name: 'x-who', value: 'destination', append: false },
        ],
      },
    ]);
  });

  it('gives the picked destination’s operations first, then the rule’s, when several take traffic', () => {
    const picked = to('a', 50, { response: { set: { 'x-who': 'destination' } } });
    const rule: HttpRoute = {
      headers: { response: { set: { 'x-who': 'rule' } } },
      route: [picked, to('b', 50)],
    };
    expect(headerMutations(rule, picked, 'response')).toEqual([
      { remove: [], write: [{ name: 'x-who', value: 'destination', append: false }] },
      { remove: [], write: [{ name: 'x-who', value: 'rule', append: false }] },
    ]);
  });
});

describe('applyHeaderMutations', () => {
  it('removes first, then writes in order; an append keeps what is there, an empty value writes nothing', () => {
    const headers: HeaderMap = { 'x-a': 'upstream', 'x-gone': 'yes', 'x-list': ['1', '2'], 'x-keep': 'k' };
    applyHeaderMutations(headers, [
      {
        remove: ['x-a', 'x-gone'],
        write: [
          { name: 'x-a', value: '1', append: false },
          { name: 'x-a', value: '2', append: true },
          { name: 'x-list', value: '3', append: true },
          { name: 'x-new', value: 'n', append: true },
          { name: 'x-keep', value: '', append: false },
          { name: 'x-empty', value: '', append: true },
        ],
      },
      { remove: ['x-list'], write: [{ name: 'x-a', value: 'last', append: false }] },
    ]);
    expect(headers).toStrictEqual({ 'x-a': 'last', 'x-new': 'n', 'x-keep': 'k' });
  });

  it('appends to a single value as a list', () => {
    const headers: HeaderMap = { 'set-cookie': 'a=1' };
    applyHeaderMutations(headers, [
      { remove: [], write: [{ name: 'set-cookie', value: 'b=2', append: true }] },
    ]);
    expect(headers).toStrictEqual({ 'set-cookie': ['a=1', 'b=2'] });
  });
});
