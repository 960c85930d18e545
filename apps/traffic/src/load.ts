/**
 * Sends the test traffic: plain node:http(s) with a keep-alive agent (one socket per concurrent worker, as a
 * browser or a load tester would reuse them), classifying every answer by the version the backend states.
 */
import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import { detectVersion } from './version.js';

/** The Set-Cookie headers of an answer, for visitors that keep cookies (empty when there were none). */
type Cookies = { setCookie?: string[] };

export type Outcome =
  | ({ kind: 'version'; version: string; status: number; latencyMs: number } & Cookies)
  | ({ kind: 'unknown'; status: number; latencyMs: number } & Cookies)
  /** A non-2xx answer; `version` is set when the backend that failed stated it in its headers. */
  | ({ kind: 'http-error'; status: number; latencyMs: number; version?: string | undefined } & Cookies)
  | { kind: 'network-error'; code: string; latencyMs: number };

/** Enough of a body to read a `version` field; the rest is drained unread so the socket can be reused. */
const maxBodyBytes = 64 * 1024;

export interface RequesterOptions {
  baseUrl: string;
  path: string;
  headers: Record<string, string>;
  timeoutMs: number;
  /** Sockets kept open; match the number of requests in flight. */
  sockets: number;
}

export class Requester {
  private readonly agent: http.Agent;
  private readonly url: URL;
  private readonly client: typeof http | typeof https;

  constructor(private readonly options: RequesterOptions) {
    this.url = new URL(`${options.baseUrl}${options.path}`);
    this.client = this.url.protocol === 'https:' ? https : http;
    const AgentClass = this.url.protocol === 'https:' ? https.Agent : http.Agent;
    this.agent = new AgentClass({ keepAlive: true, maxSockets: options.sockets });
  }

  /** One GET; `extraHeaders` (a visitor's cookie) are sent on top of the configured ones. */
  send(extraHeaders: Record<string, string> = {}): Promise<Outcome> {
    const started = performance.now();
    const elapsed = () => performance.now() - started;
    return new Promise((resolve) => {
      let settled = false;
      const finish = (outcome: Outcome) => {
        if (!settled) {
          settled = true;
          resolve(outcome);
        }
      };
      const request = this.client.request(
        this.url,
        {
          method: 'GET',
          agent: this.agent,
          headers: { accept: 'application/json', ...this.options.headers, ...extraHeaders },
          timeout: this.options.timeoutMs,
        },
        (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            if (size < maxBodyBytes) chunks.push(chunk);
            size += chunk.length;
          });
          response.on('error', (error: NodeJS.ErrnoException) =>
            finish({ kind: 'network-error', code: error.code ?? error.message, latencyMs: elapsed() }),
          );
          response.on('end', () => {
            const status = response.statusCode ?? 0;
            const latencyMs = elapsed();
            const setCookie = response.headers['set-cookie'] ?? [];
            if (status < 200 || status > 299) {
              const version = detectVersion(response.headers, undefined)?.version;
              return finish({ kind: 'http-error', status, latencyMs, version, setCookie });
            }
            const body = Buffer.concat(chunks).subarray(0, maxBodyBytes).toString('utf8');
            const detected = detectVersion(response.headers, body);
            finish(
              detected
                ? { kind: 'version', version: detected.version, status, latencyMs, setCookie }
                : { kind: 'unknown', status, latencyMs, setCookie },
            );
          });
        },
      );
      request.on('timeout', () =>
        request.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })),
      );
      request.on('error', (error: NodeJS.ErrnoException) =>
        finish({ kind: 'network-error', code: error.code ?? error.message, latencyMs: elapsed() }),
      );
      request.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Runs `total` requests with at most `concurrency` in flight; onOutcome sees each as it completes. */
export async function runLoad(
  requester: Pick<Requester, 'send'>,
  total: number,
  concurrency: number,
  onOutcome: (outcome: Outcome) => void,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < total) {
      next++;
      onOutcome(await requester.send());
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
}

/** Running tally of outcomes, shared by `test` and `monitor`. */
export class Tally {
  readonly versions: Record<string, number> = {};
  unknown = 0;
  readonly statusErrors: Record<string, number> = {};
  readonly networkErrors: Record<string, number> = {};
  /** Error answers that named the version that failed (a 5xx from a backend rather than from the gateway). */
  readonly errorsByVersion: Record<string, number> = {};
  readonly latencies: number[] = [];
  total = 0;

  add(outcome: Outcome): void {
    this.total++;
    if (outcome.kind !== 'network-error') this.latencies.push(outcome.latencyMs);
    switch (outcome.kind) {
      case 'version':
        this.versions[outcome.version] = (this.versions[outcome.version] ?? 0) + 1;
        break;
      case 'unknown':
        this.unknown++;
        break;
      case 'http-error':
        this.statusErrors[String(outcome.status)] = (this.statusErrors[String(outcome.status)] ?? 0) + 1;
        if (outcome.version) {
          this.errorsByVersion[outcome.version] = (this.errorsByVersion[outcome.version] ?? 0) + 1;
        }
        break;
      case 'network-error':
        this.networkErrors[outcome.code] = (this.networkErrors[outcome.code] ?? 0) + 1;
        break;
    }
  }

  get errors(): number {
    const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
    return sum(this.statusErrors) + sum(this.networkErrors);
  }

  get versioned(): number {
    return Object.values(this.versions).reduce((a, b) => a + b, 0);
  }
}
