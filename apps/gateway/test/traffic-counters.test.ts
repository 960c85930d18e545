import { describe, expect, it } from 'vitest';
import { TrafficCounters } from '../src/traffic-counters.js';

describe('traffic counters', () => {
  it('keep a rolling window of the last windowSeconds seconds and totals since start', () => {
    let now = 1_000_000;
    const counters = new TrafficCounters(10, () => now);
    counters.record('v1', 200);
    counters.record('v2', 503);
    now += 9_900; // still inside the 10 s window
    counters.record('v1', 500);
    expect(counters.snapshot()).toEqual({
      windowSeconds: 10,
      window: { v1: { requests: 2, errors: 1 }, v2: { requests: 1, errors: 1 } },
      total: { v1: { requests: 2, errors: 1 }, v2: { requests: 1, errors: 1 } },
    });
    now += 200; // the first two are now older than 10 s
    expect(counters.snapshot().window).toEqual({ v1: { requests: 1, errors: 1 } });
    now += 10_000;
    expect(counters.snapshot()).toEqual({
      windowSeconds: 10,
      window: {},
      total: { v1: { requests: 2, errors: 1 }, v2: { requests: 1, errors: 1 } },
    });
  });

  it('count 5xx as errors and nothing below', () => {
    const counters = new TrafficCounters();
    for (const status of [200, 304, 404, 499, 500, 504, 0]) counters.record('v1', status);
    expect(counters.snapshot().total).toEqual({ v1: { requests: 7, errors: 2 } });
  });
});
