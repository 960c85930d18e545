/**
 * One line per request, in the spirit of Envoy's access log:
 *
 *   2026-11-26T21:40:00.123Z GET /api/movies?page=2 v1 200 3.4ms
 *   2026-11-26T21:40:00.456Z GET /api/ - 503 0.2ms FI
 *
 * Fields: time, method, path as received, destination (subset, or host without a subset; "-" when none was
 * chosen), status (0 when the client went away first), latency in ms, and Envoy response flags when any:
 * DI delay injected, FI fault abort injected, NR no route, UH no healthy upstream, UT upstream timeout,
 * UC upstream connection terminated, URX retries exhausted, DC downstream closed first.
 */
import { destinationKey } from '@movies/mesh';
import type { RecordSink } from './request-record.js';

export interface AccessLogEntry {
  time: Date;
  method: string;
  path: string;
  destination: string | undefined;
  status: number;
  latencyMs: number;
  flags: readonly string[];
}

export type AccessLogSink = (line: string) => void;

/**
 * The access log's reading of a request record: the destination once the request got past the fault filter
 * (an abort or a client gone during a delay shows "-"); mirrored copies are not logged, as Envoy logs none.
 */
export function accessLogRecords(sink: AccessLogSink): RecordSink {
  return (record) => {
    if (record.mirror) return;
    sink(
      formatAccessLog({
        time: record.time,
        method: record.method,
        path: record.path,
        destination: record.forwarded && record.destination ? destinationKey(record.destination) : undefined,
        status: record.status,
        latencyMs: record.durationMs,
        flags: record.flags,
      }),
    );
  };
}

export function formatAccessLog(entry: AccessLogEntry): string {
  const flags = entry.flags.length > 0 ? ` ${entry.flags.join(',')}` : '';
  // Control characters in a path could forge log lines; JSON-escape the rare path that has them.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: that is exactly what is searched for
  const path = /[\s\u0000-\u001f\u007f]/.test(entry.path) ? JSON.stringify(entry.path) : entry.path;
  return (
    `${entry.time.toISOString()} ${entry.method} ${path} ${entry.destination ?? '-'} ` +
    `${entry.status} ${entry.latencyMs.toFixed(1)}ms${flags}`
  );
}

/** The line format above as a regular expression, for tests and log readers. */
export const accessLogPattern =
  /^(?<time>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) (?<method>[A-Z]+) (?<path>\S+) (?<destination>\S+) (?<status>\d{1,3}) (?<latencyMs>\d+\.\d)ms(?: (?<flags>[A-Z]{2,3}(?:,[A-Z]{2,3})*))?$/;

export const stdoutSink: AccessLogSink = (line) => {
  process.stdout.write(`${line}\n`);
};
