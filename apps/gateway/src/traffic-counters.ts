/**
 * Live per-version counters of every request the gateway answers, whoever sent it (the UI, curl, the traffic CLI),
 * for GET /__mesh's `traffic`: a rolling window of the last `windowSeconds` seconds (100 ms buckets, so the window
 * slides smoothly) and totals since start. Keys are the subset the request was routed to, or "unrouted" when no
 * rule matched; requests to a destination without a subset (the UI's own files) are not versions and are left
 * out. An error is an answer with status 500 or above, the gateway's own 503/504 included.
 */
import type { TrafficCount, TrafficSnapshot } from '@movies/contracts/mesh-state';
import type { RecordSink } from './request-record.js';

export const UNROUTED = 'unrouted';
const BUCKET_MS = 100;

export class TrafficCounters {
  private readonly total = new Map<string, TrafficCount>();
  /** Bucket number (time / BUCKET_MS) → counts in that bucket; buckets older than the window are dropped. */
  private readonly buckets = new Map<number, Map<string, TrafficCount>>();

  constructor(
    readonly windowSeconds = 10,
    private readonly now: () => number = Date.now,
  ) {}

  record(key: string, status: number): void {
    const bucket = Math.floor(this.now() / BUCKET_MS);
    let counts = this.buckets.get(bucket);
    if (!counts) {
      counts = new Map();
      this.buckets.set(bucket, counts);
      this.prune(bucket);
    }
    const error = status >= 500 ? 1 : 0;
    for (const map of [counts, this.total]) {
      const count = map.get(key) ?? { requests: 0, errors: 0 };
      count.requests++;
      count.errors += error;
      map.set(key, count);
    }
  }

  /** The counters' reading of a request record: the client's answers only (a mirrored copy is none). */
  readonly records: RecordSink = (record) => {
    if (!record.mirror && record.counterKey !== undefined) this.record(record.counterKey, record.status);
  };

  snapshot(): TrafficSnapshot {
    const newest = Math.floor(this.now() / BUCKET_MS);
    this.prune(newest);
    const window: Record<string, TrafficCount> = {};
    for (const [bucket, counts] of this.buckets) {
      if (bucket > newest) continue;
      for (const [key, count] of counts) {
        const sum = window[key] ?? { requests: 0, errors: 0 };
        sum.requests += count.requests;
        sum.errors += count.errors;
        window[key] = sum;
      }
    }
    const total: Record<string, TrafficCount> = {};
    for (const [key, count] of this.total) total[key] = { ...count };
    return { windowSeconds: this.windowSeconds, window, total };
  }

  private prune(newest: number): void {
    const oldest = newest - (this.windowSeconds * 1000) / BUCKET_MS + 1;
    for (const bucket of this.buckets.keys()) if (bucket < oldest) this.buckets.delete(bucket);
  }
}
