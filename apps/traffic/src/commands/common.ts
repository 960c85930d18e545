/** What `traffic test` and `traffic test --visitors` share: the requester for an invocation and the report's output. */
import { performance } from 'node:perf_hooks';
import type { Invocation } from '../args.js';
import { Requester } from '../load.js';
import type { ConfiguredView } from '../mesh-view.js';
import { colourFor } from '../render.js';

export type TestInvocation = Extract<Invocation, { command: 'test' }>;

/** Rounds to `digits` decimals (2 by default). */
export const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/** One keep-alive requester for the invocation's path and headers, with a socket per concurrent request. */
export function requesterFor(invocation: TestInvocation, view: ConfiguredView): Requester {
  return new Requester({
    baseUrl: view.target.url,
    path: invocation.path,
    headers: invocation.headers,
    timeoutMs: invocation.timeoutMs,
    sockets: invocation.concurrency,
  });
}

/**
 * What a report says about its run: the target, the path, the command's own `extra` fields (kept in this place in
 * the JSON), the concurrency, the time since `started` and the test's alpha.
 */
export function runMeta<E extends object>(
  invocation: TestInvocation,
  view: ConfiguredView,
  started: number,
  extra: E,
) {
  return {
    target: view.target.url,
    mode: view.mode,
    source: view.source,
    path: invocation.path,
    ...extra,
    concurrency: invocation.concurrency,
    durationMs: round(performance.now() - started, 1),
    alpha: invocation.alpha,
  };
}

/** Writes the report to stdout, as one JSON line or formatted for a reader, and returns its exit code. */
export function printReport<R extends { exitCode: number }>(
  report: R,
  json: boolean,
  format: (report: R, colour: boolean) => string,
): number {
  process.stdout.write(
    json ? `${JSON.stringify(report)}\n` : `${format(report, colourFor(process.stdout))}\n`,
  );
  return report.exitCode;
}
