import { describe, expect, it } from 'vitest';
import { percentile, TrafficRecorder } from '../lib/traffic-recorder';

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
  const start = 1_000_000;

  it('counts responses per version and errors, with per-second shares', () => {
    const recorder = new TrafficRecorder(start);
    recorder.record({ at: start + 100, version: 'v1', ok: true, latencyMs: 10 });
    recorder.record({ at: start + 200, version: 'v1', ok: true, latencyMs: 20 });
    recorder.record({ at: start + 300, version: 'v2', ok: true, latencyMs: 30 });
    recorder.record({ at: start + 400, version: 'v2', ok: true, latencyMs: 40 });
    recorder.record({ at: start + 1_500, version: 'v2', ok: true, latencyMs: 50 });
    recorder.record({ at: start + 1_600, version: null, ok: false, latencyMs: 5 });
    recorder.record({ at: start + 1_700, version: 'v1', ok: false, latencyMs: 6 });

    const snapshot = recorder.snapshot();
    expect(snapshot.total).toBe(7);
    expect(snapshot.errors).toBe(2);
    expect(snapshot.byVersion).toEqual({ v1: 2, v2: 3 });
    expect(snapshot.versions).toEqual(['v1', 'v2']);
    expect(snapshot.buckets).toEqual([
      { second: 0, total: 4, errors: 0, share: { v1: 50, v2: 50 } },
      { second: 1, total: 3, errors: 2, share: { v1: 0, v2: 100 } },
    ]);
    expect(snapshot.p50).toBe(20);
    expect(snapshot.p99).toBe(50);
    // While second 1 is still running, only second 0 is charted.
    expect(recorder.snapshot(start + 1_800).buckets.map((bucket) => bucket.second)).toEqual([0]);
  });

  it('keeps only the chart window of buckets', () => {
    const recorder = new TrafficRecorder(start, 5);
    for (let second = 0; second < 12; second += 1) {
      recorder.record({ at: start + second * 1_000, version: 'v1', ok: true, latencyMs: 1 });
    }
    const snapshot = recorder.snapshot();
    expect(snapshot.buckets.map((bucket) => bucket.second)).toEqual([7, 8, 9, 10, 11]);
    expect(snapshot.total).toBe(12);
  });
});
