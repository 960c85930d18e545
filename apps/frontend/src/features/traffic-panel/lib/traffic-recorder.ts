import { percentile as nearestRank } from '@movies/mesh/stats';
import type { SubsetCounts } from '../../../lib/mesh-status';

/** One request sent by the traffic panel. `version` is null when no version is known (no backend answered). */
export type TrafficSample = { at: number; version: string | null; ok: boolean; latencyMs: number };

export type Counts = Record<string, SubsetCounts>;

/** Requests whose version is not known (the gateway answered 503 before any backend did). */
export const unknownVersion = 'unknown';

export type TrafficSnapshot = {
  sent: number;
  errors: number;
  /** Per version, cumulative: the same shape as the gateway's /__mesh counters. */
  counts: Counts;
  p50: number | null;
  p99: number | null;
};

/** The mesh's nearest-rank percentile of an ascending array (p in 0..100), null (not undefined) when empty. */
export function percentile(sortedAscending: readonly number[], p: number): number | null {
  return nearestRank(sortedAscending, p) ?? null;
}

/** Counts the panel's own requests per version (with errors) and keeps a bounded window of latencies. */
export class TrafficRecorder {
  private sent = 0;
  private errors = 0;
  private readonly counts = new Map<string, SubsetCounts>();
  private readonly latencies: number[] = [];

  constructor(private readonly latencyWindow = 5_000) {}

  record(sample: TrafficSample): void {
    this.sent += 1;
    const key = sample.version ?? unknownVersion;
    const counts = this.counts.get(key) ?? { requests: 0, errors: 0 };
    counts.requests += 1;
    if (!sample.ok) {
      counts.errors += 1;
      this.errors += 1;
    }
    this.counts.set(key, counts);
    this.latencies.push(sample.latencyMs);
    // Percentiles describe recent behaviour: keep a bounded window.
    if (this.latencies.length > this.latencyWindow)
      this.latencies.splice(0, this.latencies.length - this.latencyWindow);
  }

  snapshot(): TrafficSnapshot {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const counts: Counts = {};
    for (const key of [...this.counts.keys()].sort()) {
      const entry = this.counts.get(key);
      if (entry) counts[key] = { ...entry };
    }
    return {
      sent: this.sent,
      errors: this.errors,
      counts,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
    };
  }
}

export type VisitorStats = { visitors: number; byVersion: Record<string, number>; switched: number };

export const noVisitors: VisitorStats = { visitors: 0, byVersion: {}, switched: 0 };

/** One finished simulated visit: where it landed (its first answer) and whether it changed version midway. */
export function recordVisit(stats: VisitorStats, versions: ReadonlyArray<string | null>): VisitorStats {
  const answered = versions.filter((version): version is string => version !== null);
  const landed = answered[0];
  if (landed === undefined) return stats;
  return {
    visitors: stats.visitors + 1,
    byVersion: { ...stats.byVersion, [landed]: (stats.byVersion[landed] ?? 0) + 1 },
    switched: stats.switched + (new Set(answered).size > 1 ? 1 : 0),
  };
}
