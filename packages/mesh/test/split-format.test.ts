import { describe, expect, it } from 'vitest';
import { formatPercent, formatSplit } from '../src/split-format.js';

describe('formatSplit', () => {
  it('writes a split as "v1 80 %, v2 20 %", in the order given', () => {
    expect(formatSplit({ v1: 80, v2: 20 })).toBe('v1 80 %, v2 20 %');
    expect(formatSplit({ v2: 0, v1: 100 })).toBe('v2 0 %, v1 100 %');
    expect(formatSplit({})).toBe('');
  });

  it('keeps at most `digits` decimals and drops trailing zeros', () => {
    expect(formatSplit({ v1: 66.667, v2: 33.333 })).toBe('v1 66.67 %, v2 33.33 %');
    expect(formatSplit({ v1: 66.667, v2: 33.333 }, 1)).toBe('v1 66.7 %, v2 33.3 %');
    expect(formatPercent(12.5)).toBe('12.5 %');
    expect(formatPercent(12.0001)).toBe('12 %');
  });
});
