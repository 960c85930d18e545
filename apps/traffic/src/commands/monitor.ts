/**
 * `traffic monitor`: a steady, modest load and a live view of the split over a rolling window. On a terminal the
 * view redraws in place (ANSI cursor moves); otherwise it prints one plain line per refresh, fit for logs and CI.
 */
import { performance } from 'node:perf_hooks';
import { percentile } from '@movies/mesh';
import type { Invocation } from '../args.js';
import { type Outcome, Requester } from '../load.js';
import { type ConfiguredView, requestInfo } from '../mesh-view.js';
import { colourFor, orderedVersions, palette, pct, splitBars, weightPct } from '../render.js';

/** How often the configured weights are re-read, so a `traffic set` elsewhere shows up. */
const configRefreshMs = 3000;
const schedulerTickMs = 20;

interface Sample {
  at: number;
  outcome: Outcome;
}

export interface WindowStats {
  answered: number;
  versions: Record<string, number>;
  unknown: number;
  errors: number;
  ratePerSecond: number;
  p99: number | undefined;
}

export function windowStats(samples: readonly Sample[], windowMs: number, elapsedMs: number): WindowStats {
  const versions: Record<string, number> = {};
  let unknown = 0;
  let errors = 0;
  const latencies: number[] = [];
  for (const { outcome } of samples) {
    if (outcome.kind === 'version') versions[outcome.version] = (versions[outcome.version] ?? 0) + 1;
    else if (outcome.kind === 'unknown') unknown++;
    else errors++;
    if (outcome.kind !== 'network-error') latencies.push(outcome.latencyMs);
  }
  latencies.sort((a, b) => a - b);
  const span = Math.max(0.001, Math.min(windowMs, elapsedMs) / 1000);
  return {
    answered: samples.length,
    versions,
    unknown,
    errors,
    ratePerSecond: samples.length / span,
    p99: percentile(latencies, 99),
  };
}

/** Each version's share of the versioned answers in the window, in percent. */
function observedShares(stats: WindowStats, versions: readonly string[]): Record<string, number> {
  const versioned = Object.values(stats.versions).reduce((a, b) => a + b, 0);
  const observed: Record<string, number> = {};
  for (const v of versions) observed[v] = versioned === 0 ? 0 : ((stats.versions[v] ?? 0) * 100) / versioned;
  return observed;
}

/** "v1 80.0 % (configured 80 %)  v2 …" for the plain (non-terminal) output. */
function plainSplit(
  versions: readonly string[],
  observed: Record<string, number>,
  configured: Record<string, number> | undefined,
): string {
  const configuredText = (v: string) => (configured ? weightPct(configured[v] ?? 0) : '?');
  return versions.map((v) => `${v} ${pct(observed[v] ?? 0)} (configured ${configuredText(v)})`).join('  ');
}

export async function runMonitor(
  invocation: Extract<Invocation, { command: 'monitor' }>,
  initialView: ConfiguredView,
  rereadView: () => Promise<ConfiguredView>,
): Promise<number> {
  const request = requestInfo(invocation.path, invocation.headers);
  const maxInFlight = Math.min(256, Math.max(8, invocation.rate));
  const requester = new Requester({
    baseUrl: initialView.target.url,
    path: invocation.path,
    headers: invocation.headers,
    timeoutMs: invocation.timeoutMs,
    sockets: maxInFlight,
  });
  const tty = Boolean(process.stdout.isTTY);
  const c = palette(colourFor(process.stdout));
  const windowMs = invocation.windowS * 1000;
  let view = initialView;
  let configured = view.weightsFor(request);
  let configNote = '';
  let samples: Sample[] = [];
  let sent = 0;
  let inFlight = 0;
  let skipped = 0;
  let previousLines = 0;
  let frames = 0;
  const started = performance.now();

  const sendOne = () => {
    sent++;
    inFlight++;
    void requester.send().then((outcome) => {
      inFlight--;
      samples.push({ at: performance.now(), outcome });
    });
  };

  const render = () => {
    const now = performance.now();
    samples = samples.filter((s) => now - s.at <= windowMs);
    const stats = windowStats(samples, windowMs, now - started);
    const versions = orderedVersions(configured, stats.versions);
    const observed = observedShares(stats, versions);
    const clock = new Date().toISOString().slice(11, 19);
    const errorShare = stats.answered === 0 ? 0 : (stats.errors * 100) / stats.answered;
    const p99 = stats.p99 === undefined ? '–' : `${stats.p99.toFixed(1)} ms`;
    frames++;
    if (!tty) {
      const split = plainSplit(versions, observed, configured);
      process.stdout.write(
        `[${clock}] ${split}  unknown ${stats.unknown}  errors ${stats.errors} (${pct(errorShare)})  ` +
          `${stats.ratePerSecond.toFixed(1)} req/s  p99 ${p99}  routing ${view.source}${configNote}\n`,
      );
      return;
    }
    const lines = [
      c.bold(
        `traffic monitor · ${view.target.url} · ${view.mode === 'local' ? 'local gateway' : 'cluster'}: ${view.source}`,
      ) + c.dim(`  (${invocation.rate} req/s, last ${invocation.windowS} s, Ctrl-C to stop)`),
      ...splitBars(versions, observed, configured, c),
      `  rate ${stats.ratePerSecond.toFixed(1)} req/s   answers ${stats.answered}   unknown ${stats.unknown}   ` +
        `errors ${stats.errors === 0 ? '0' : c.red(`${stats.errors} (${pct(errorShare)})`)}   p99 ${p99}`,
      c.dim(
        `  ${clock}${skipped > 0 ? `  · ${skipped} sends skipped: the target is slower than the rate` : ''}${configNote}`,
      ),
    ];
    const rewind = previousLines > 0 ? `\x1b[${previousLines}F\x1b[J` : '';
    process.stdout.write(`${rewind}${lines.join('\n')}\n`);
    previousLines = lines.length;
  };

  if (tty) process.stdout.write('\x1b[?25l');
  const restoreCursor = () => {
    if (tty) process.stdout.write('\x1b[?25h');
  };
  process.once('exit', restoreCursor);

  await new Promise<void>((resolve) => {
    const scheduler = setInterval(() => {
      const due = Math.floor((invocation.rate * (performance.now() - started)) / 1000) - sent;
      for (let i = 0; i < due; i++) {
        if (inFlight >= maxInFlight) {
          skipped += due - i;
          sent += due - i;
          break;
        }
        sendOne();
      }
    }, schedulerTickMs);
    const refresher = setInterval(render, invocation.intervalMs);
    let reading = false;
    const configReader = setInterval(() => {
      if (reading) return;
      reading = true;
      rereadView()
        .then((fresh) => {
          view = fresh;
          configured = fresh.weightsFor(request);
          configNote = '';
        })
        .catch((error: Error) => {
          configNote = `  · configuration not refreshed: ${error.message}`;
        })
        .finally(() => {
          reading = false;
        });
    }, configRefreshMs);
    const stop = () => {
      clearInterval(scheduler);
      clearInterval(refresher);
      clearInterval(configReader);
      clearTimeout(deadline);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    const deadline =
      invocation.durationS === undefined ? undefined : setTimeout(stop, invocation.durationS * 1000);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

  // Let requests in flight finish (bounded by their timeout) so the last frame counts them.
  const waitUntil = performance.now() + Math.min(invocation.timeoutMs, 5000);
  while (inFlight > 0 && performance.now() < waitUntil) await new Promise((r) => setTimeout(r, 20));
  render();
  requester.close();
  restoreCursor();
  process.off('exit', restoreCursor);
  if (!tty)
    process.stdout.write(`monitor stopped after ${frames} updates, ${sent - skipped} requests sent\n`);
  return 0;
}
