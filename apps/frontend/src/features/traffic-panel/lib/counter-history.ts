import type { Counts } from './traffic-recorder';

// Cumulative per-version counters sampled over time (the gateway's /__mesh totals, or the panel's own), and the
// rolling-window views computed from them: a share over the last 10 s moves smoothly at 10 req/s, where a
// per-second share jumps between 0 % and 100 %.

export type CounterSample = { at: number; total: Counts };

export type SharePoint = {
  /** Seconds relative to the newest sample (0 = now, negative = earlier). */
  t: number;
  /** Requests in the window ending here. */
  requests: number;
  /** Percentage of the window's requests per version; absent when the window had none. */
  share: Record<string, number>;
};

const requestsOf = (counts: Counts, key: string) => counts[key]?.requests ?? 0;

/** True when a counter went down: the gateway restarted, so earlier samples no longer add up. */
function wentBack(previous: CounterSample, next: CounterSample): boolean {
  return Object.entries(previous.total).some(
    ([key, counts]) => (next.total[key]?.requests ?? 0) < counts.requests,
  );
}

/** Appends a sample, forgetting everything older than `keepMs` (one older sample stays as a window start). */
export function appendSample(
  samples: readonly CounterSample[],
  sample: CounterSample,
  keepMs: number,
): CounterSample[] {
  const last = samples.at(-1);
  const kept = last && wentBack(last, sample) ? [] : [...samples];
  kept.push(sample);
  const cutoff = sample.at - keepMs;
  const firstRecent = kept.findIndex((entry) => entry.at >= cutoff);
  return kept.slice(Math.max(0, firstRecent - 1));
}

/** Counts between two samples, per key of the later one. */
export function countsBetween(earlier: CounterSample | undefined, later: CounterSample): Counts {
  const counts: Counts = {};
  for (const [key, total] of Object.entries(later.total)) {
    const before = earlier?.total[key];
    counts[key] = {
      requests: Math.max(0, total.requests - (before?.requests ?? 0)),
      errors: Math.max(0, total.errors - (before?.errors ?? 0)),
    };
  }
  return counts;
}

/** The newest sample at or before `at` (the start of a window), else the oldest one there is. */
function sampleAtOrBefore(
  samples: readonly CounterSample[],
  at: number,
  upTo: number,
): CounterSample | undefined {
  let found: CounterSample | undefined = samples[0];
  for (let index = 0; index <= upTo; index += 1) {
    const sample = samples[index];
    if (sample && sample.at <= at) found = sample;
  }
  return found;
}

/** Counts over the last `windowMs` of the history (a shorter span while the history is younger). */
export function windowCounts(samples: readonly CounterSample[], windowMs: number): Counts {
  const last = samples.at(-1);
  if (!last) return {};
  return countsBetween(sampleAtOrBefore(samples, last.at - windowMs, samples.length - 1), last);
}

/** The rolling-window share of each version at every sample: the chart's lines. */
export function rollingShares(
  samples: readonly CounterSample[],
  windowMs: number,
  versions: readonly string[],
): SharePoint[] {
  const last = samples.at(-1);
  if (!last) return [];
  return samples.slice(1).map((sample, offset) => {
    const index = offset + 1;
    const start = sampleAtOrBefore(samples, sample.at - windowMs, index - 1);
    const counts = countsBetween(start, sample);
    const requests = versions.reduce((sum, version) => sum + requestsOf(counts, version), 0);
    const share: Record<string, number> = {};
    if (requests > 0) {
      for (const version of versions) {
        share[version] = Math.round((1000 * requestsOf(counts, version)) / requests) / 10;
      }
    }
    return { t: Math.round((sample.at - last.at) / 100) / 10, requests, share };
  });
}
