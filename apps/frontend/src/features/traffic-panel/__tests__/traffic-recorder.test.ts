import { describe, expect, it } from 'vitest';
import { appendSample, type CounterSample, rollingShares, windowCounts } from '../lib/counter-history';
import { noVisitors, percentile, recordVisit, TrafficRecorder } from '../lib/traffic-recorder';

describe('percentile', () => {
  it('uses the nearest-rank method', () => {
    const values = Array.from({ length: 100 }, (_, index) => index + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNull();
  });
});

describe('TrafficRecorder', () => {
  it('counts requests and errors per version, in the gateway’s shape, and unknown failures apart', () => {
    const recorder = new TrafficRecorder();
    recorder.record({ at: 1, version: 'v1', ok: true, latencyMs: 10 });
    recorder.record({ at: 2, version: 'v1', ok: true, latencyMs: 20 });
    recorder.record({ at: 3, version: 'v2', ok: true, latencyMs: 30 });
    recorder.record({ at: 4, version: 'v2', ok: false, latencyMs: 40 });
    recorder.record({ at: 5, version: null, ok: false, latencyMs: 50 });
    const snapshot = recorder.snapshot();
    expect(snapshot).toEqual({
      sent: 5,
      errors: 2,
      counts: {
        unknown: { requests: 1, errors: 1 },
        v1: { requests: 2, errors: 0 },
        v2: { requests: 2, errors: 1 },
      },
      p50: 30,
      p99: 50,
    });
  });
});

describe('visitor stats', () => {
  it('counts where each visitor landed and who switched version midway', () => {
    let stats = recordVisit(noVisitors, ['v1', 'v1', 'v1']);
    stats = recordVisit(stats, ['v2', 'v2', null]);
    stats = recordVisit(stats, ['v1', 'v2', 'v2']);
    stats = recordVisit(stats, [null, null]);
    expect(stats).toEqual({ visitors: 3, byVersion: { v1: 2, v2: 1 }, switched: 1 });
  });
});

describe('counter history', () => {
  const at = (seconds: number, v1: number, v2: number, errors = 0): CounterSample => ({
    at: 1_000_000 + seconds * 1000,
    total: { v1: { requests: v1, errors }, v2: { requests: v2, errors: 0 } },
  });

  it('shares over a rolling window move smoothly where per-second shares would jump 0–100 %', () => {
    // 10 req/s at 80-20 arriving in bursts: each second is all-v1 or all-v2, 8 seconds out of 10 v1.
    let samples: CounterSample[] = [at(0, 0, 0)];
    let v1 = 0;
    let v2 = 0;
    for (let second = 1; second <= 30; second += 1) {
      if (second % 5 === 0) v2 += 10;
      else v1 += 10;
      samples = appendSample(samples, at(second, v1, v2), 60_000);
    }
    const shares = rollingShares(samples, 10_000, ['v1', 'v2']);
    const full = shares.filter((point) => point.t <= 0 && point.t >= -20);
    for (const point of full) {
      expect(point.requests).toBe(100);
      expect(point.share).toEqual({ v1: 80, v2: 20 });
    }
    expect(shares.at(-1)?.t).toBe(0);
    expect(shares[0]?.t).toBe(-29);
  });

  it('counts the last window, errors included, and forgets samples older than it keeps', () => {
    let samples: CounterSample[] = [];
    for (let second = 0; second <= 100; second += 1) {
      samples = appendSample(samples, at(second, second * 3, second, second), 60_000);
    }
    expect(windowCounts(samples, 10_000)).toEqual({
      v1: { requests: 30, errors: 10 },
      v2: { requests: 10, errors: 0 },
    });
    // 60 s kept, plus one older sample as the start of the oldest window.
    expect(samples[0]?.at).toBe(at(39, 0, 0).at);
  });

  it('starts again when the counters go back (the gateway restarted)', () => {
    let samples = appendSample([], at(0, 100, 50), 60_000);
    samples = appendSample(samples, at(1, 110, 55), 60_000);
    samples = appendSample(samples, at(2, 3, 1), 60_000);
    expect(samples).toEqual([at(2, 3, 1)]);
    expect(windowCounts(samples, 10_000)).toEqual({
      v1: { requests: 0, errors: 0 },
      v2: { requests: 0, errors: 0 },
    });
  });
});
