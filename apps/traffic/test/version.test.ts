import { describe, expect, it } from 'vitest';
import { detectVersion } from '../src/version.js';

describe('detectVersion', () => {
  it('reads the x-backend-version header first', () => {
    expect(detectVersion({ 'x-backend-version': 'v2' }, '{"version":"v1"}')).toEqual({
      version: 'v2',
      from: 'header',
    });
    expect(detectVersion({ 'x-backend-version': [' v1 ', 'v2'] }, undefined)).toEqual({
      version: 'v1',
      from: 'header',
    });
  });

  it('falls back to the JSON body version field', () => {
    expect(detectVersion({}, '{"service":"movie-backend","version":"v2","catalogue":"hollywood"}')).toEqual({
      version: 'v2',
      from: 'body',
    });
    expect(detectVersion({ 'x-backend-version': '' }, '{"version":"v1"}')).toEqual({
      version: 'v1',
      from: 'body',
    });
  });

  it('never guesses: catalogue names, HTML, arrays, odd values and garbage are unknown', () => {
    // The original demo grepped for "bollywood" and counted everything else as v1.
    expect(detectVersion({}, '{"catalogue":"bollywood","message":"Bollywood movies"}')).toBeUndefined();
    expect(detectVersion({}, '<html>bollywood v1</html>')).toBeUndefined();
    expect(detectVersion({}, '[{"version":"v1"}]')).toBeUndefined();
    expect(detectVersion({}, '{"version":1}')).toBeUndefined();
    expect(detectVersion({}, '{"version":"<script>"}')).toBeUndefined();
    expect(detectVersion({ 'x-backend-version': 'v1 or v2' }, '')).toBeUndefined();
    expect(detectVersion({}, undefined)).toBeUndefined();
    expect(detectVersion({}, 'null')).toBeUndefined();
  });
});
