/** One request sent by the traffic panel. `version` is null when no backend answered (network error, 503). */
export type TrafficSample = { at: number; version: string | null; ok: boolean; latencyMs: number };

export type ShareBucket = {
  /** Seconds since the run started (bucket start). */
  second: number;
  total: number;
  errors: number;
  /** Percentage of the bucket's successful responses served by each version. */
  share: Record<string, number>;
};

export type TrafficSnapshot = {
  total: number;
  errors: number;
  byVersion: Record<string, number>;
  versions: string[];
  p50: number | null;
  p99: number | null;
  buckets: ShareBucket[];
};

/** Nearest-rank percentile of an ascending array (p in 0..100); null when empty. */
export function percentile(sortedAscending: readonly number[], p: number): number | null {
  if (sortedAscending.length === 0) return null;
  const rank = Math.ceil((p / 100) * sortedAscending.length);
  return sortedAscending[Math.min(sortedAscending.length, Math.max(1, rank)) - 1] ?? null;
}

/**
 * Aggregates samples incrementally (per-second buckets, counts, latencies) so a snapshot at 50 req/s over
 * many minutes stays cheap. Only the last `windowSeconds` buckets are kept for the chart.
 */
export class TrafficRecorder {
  private total = 0;
  private errors = 0;
  private readonly byVersion = new Map<string, number>();
  private readonly latencies: number[] = [];
  private readonly buckets = new Map<
    number,
    { total: number; errors: number; byVersion: Map<string, number> }
  >();

  constructor(
    private readonly startedAt: number,
    private readonly windowSeconds = 60,
    private readonly latencyWindow = 5_000,
  ) {}

  record(sample: TrafficSample): void {
    this.total += 1;
    const second = Math.max(0, Math.floor((sample.at - this.startedAt) / 1000));
    let bucket = this.buckets.get(second);
    if (!bucket) {
      bucket = { total: 0, errors: 0, byVersion: new Map() };
      this.buckets.set(second, bucket);
      for (const old of this.buckets.keys()) if (old <= second - this.windowSeconds) this.buckets.delete(old);
    }
    bucket.total += 1;
    if (!sample.ok || sample.version === null) {
      this.errors += 1;
      bucket.errors += 1;
    } else {
      this.byVersion.set(sample.version, (this.byVersion.get(sample.version) ?? 0) + 1);
      bucket.byVersion.set(sample.version, (bucket.byVersion.get(sample.version) ?? 0) + 1);
    }
    this.latencies.push(sample.latencyMs);
    // Percentiles describe recent behaviour: keep a bounded window.
    if (this.latencies.length > this.latencyWindow)
      this.latencies.splice(0, this.latencies.length - this.latencyWindow);
  }

  /**
   * `now` leaves out the second still in progress: a bucket with a handful of answers would draw a misleading
   * 100/0 spike at the right edge of the chart.
   */
  snapshot(now = Number.POSITIVE_INFINITY): TrafficSnapshot {
    const versions = [...this.byVersion.keys()].sort();
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const currentSecond = Math.floor((now - this.startedAt) / 1000);
    const buckets = [...this.buckets.entries()]
      .filter(([second]) => second < currentSecond)
      .sort(([a], [b]) => a - b)
      .map(([second, bucket]) => {
        const answered = [...bucket.byVersion.values()].reduce((sum, n) => sum + n, 0);
        const share: Record<string, number> = {};
        for (const version of versions) {
          share[version] =
            answered === 0 ? 0 : Math.round((1000 * (bucket.byVersion.get(version) ?? 0)) / answered) / 10;
        }
        return { second, total: bucket.total, errors: bucket.errors, share };
      });
    return {
      total: this.total,
      errors: this.errors,
      byVersion: Object.fromEntries(versions.map((version) => [version, this.byVersion.get(version) ?? 0])),
      versions,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      buckets,
    };
  }
}
