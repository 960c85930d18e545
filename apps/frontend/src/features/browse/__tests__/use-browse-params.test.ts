import { describe, expect, it } from 'vitest';
import { parseBrowseParams, toSearchParams } from '../hooks/use-browse-params';

describe('browse URL parameters', () => {
  it('reads valid values', () => {
    expect(parseBrowseParams(new URLSearchParams('genre=18&sort=rating&q=%20dil%20&page=3'))).toEqual({
      genre: 18,
      sort: 'rating',
      q: 'dil',
      page: 3,
    });
  });

  it('falls back to defaults for hand-edited bad values instead of sending them to the API', () => {
    expect(parseBrowseParams(new URLSearchParams('genre=abc&sort=random&page=0'))).toEqual({
      genre: undefined,
      sort: 'popularity',
      q: '',
      page: 1,
    });
    expect(parseBrowseParams(new URLSearchParams(`page=-2&q=${'x'.repeat(500)}`)).q).toHaveLength(200);
  });

  it('writes only what differs from the defaults, so links stay short', () => {
    expect(toSearchParams({ genre: undefined, sort: 'popularity', q: '', page: 1 }).toString()).toBe('');
    expect(toSearchParams({ genre: 35, sort: 'newest', q: 'dil', page: 2 }).toString()).toBe(
      'q=dil&genre=35&sort=newest&page=2',
    );
  });
});
