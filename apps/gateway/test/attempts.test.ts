/**
 * The attempt loop as unit tests: a fake upstream (an object with undici Pool's `stream`) scripted try by try, and
 * Vitest's fake clock for every timer (per-try and route timeouts, back-off). No sockets, no real time.
 */
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { Readable, Writable } from 'node:stream';
import type { HttpRoute } from '@movies/mesh';
import type { Pool } from 'undici';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type ForwardPlan, forwardWithRetries } from '../src/attempts.js';
import { retryPolicyOf } from '../src/retry-policy.js';

/** What the upstream does on one try. */
type Reply =
  /** Answers after `delayMs` with this status; the body comes `bodyDelayMs` later, or fails with `bodyError`. */
  | { status: number; delayMs?: number; body?: string; bodyDelayMs?: number; bodyError?: Error }
  /** Fails before any answer, after `delayMs`. */
  | { error: Error; delayMs?: number }
  /** Never answers (until the try is aborted). */
  | { hang: true };

interface Try {
  at: number;
  path: string;
  method: string;
  body: unknown;
  aborted: () => boolean;
}

function coded(code: string): Error {
  return Object.assign(new Error(`fake ${code}`), { code });
}

const aborted = () => Object.assign(new Error('This operation was aborted'), { code: 'UND_ERR_ABORTED' });

/** Runs `fn` after `ms` on the (fake) clock, or at once, without the 1 ms a zero timer takes. */
function later(ms: number | undefined, fn: () => void): void {
  if (ms) setTimeout(fn, ms);
  else queueMicrotask(fn);
}

/** A scripted upstream: the nth try gets the nth reply (the last one repeats). */
class FakeUpstream {
  readonly tries: Try[] = [];
  constructor(private readonly replies: Reply[]) {}

  stream(
    options: { path: string; method: string; body: unknown; signal?: AbortSignal },
    factory: (data: { statusCode: number; headers: IncomingHttpHeaders }) => Writable,
  ): Promise<void> {
    const reply = this.replies[Math.min(this.tries.length, this.replies.length - 1)] as Reply;
    const { signal } = options;
    this.tries.push({
      at: Date.now(),
      path: options.path,
      method: options.method,
      body: options.body,
      aborted: () => signal?.aborted ?? false,
    });
    return new Promise((resolve, reject) => {
      signal?.addEventListener('abort', () => reject(aborted()), { once: true });
      if ('hang' in reply) return;
      if ('error' in reply) {
        later(reply.delayMs, () => reject(reply.error));
        return;
      }
      later(reply.delayMs, () => {
        if (signal?.aborted) return;
        const sink = factory({ statusCode: reply.status, headers: { 'x-try': String(this.tries.length) } });
        later(reply.bodyDelayMs, () => {
          if (signal?.aborted) return;
          if (reply.bodyError) {
            sink.write('partial');
            reject(reply.bodyError);
            return;
          }
          sink.end(reply.body ?? `answer ${reply.status}`, () => resolve());
        });
      });
    });
  }
}

/** The client's side: which answer was kept, and the response object the loop inspects. */
class FakeClient {
  readonly answers: { status: number; headers: IncomingHttpHeaders; body: string }[] = [];
  readonly res = {
    headersSent: false,
    destroyed: false,
    writableFinished: false,
    destroy: () => this.destroy(),
  };
  destroyed = 0;

  answer = (status: number, headers: IncomingHttpHeaders): Writable => {
    const kept = { status, headers, body: '' };
    this.answers.push(kept);
    this.res.headersSent = true;
    return new Writable({
      write: (chunk, _encoding, callback) => {
        kept.body += String(chunk);
        callback();
      },
    });
  };

  private destroy(): void {
    this.destroyed++;
    this.res.destroyed = true;
  }
}

function routeRule(retries?: HttpRoute['retries']): HttpRoute {
  return {
    route: [{ destination: { host: 'movie-backend', subset: 'v1' } }],
    ...(retries ? { retries } : {}),
  };
}

interface Scenario {
  replies: Reply[];
  retries?: HttpRoute['retries'];
  method?: string;
  idempotent?: boolean;
  body?: ForwardPlan['body'];
  routeTimeoutMs?: number;
}

const PENDING = Symbol('pending');

/** Runs every timer, then the request must have ended: one that hangs fails at once instead of at a timeout. */
async function settle<T>(done: Promise<T>): Promise<T> {
  await vi.runAllTimersAsync();
  // A few more turns for the promise chain after the last timer (nextTick is not faked).
  for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => process.nextTick(resolve));
  const result = await Promise.race([done, Promise.resolve(PENDING)]);
  if (result === PENDING) throw new Error('the request never ended, though no timer is left');
  return result as T;
}

/** Starts one forwarded request; `prepare` sets the client's state (gone, or already answered) before it starts. */
function startForward(scenario: Scenario, prepare?: (client: FakeClient) => void) {
  const upstream = new FakeUpstream(scenario.replies);
  const client = new FakeClient();
  prepare?.(client);
  const method = scenario.method ?? 'GET';
  const start = Date.now();
  const done = forwardWithRetries({
    pool: upstream as unknown as Pool,
    path: '/api/movies',
    method,
    headers: { host: 'movie-backend' },
    body: scenario.body,
    policy: retryPolicyOf(routeRule(scenario.retries)),
    idempotent: scenario.idempotent ?? method !== 'POST',
    routeTimeoutMs: scenario.routeTimeoutMs ?? 0,
    res: client.res as unknown as ServerResponse,
    answer: client.answer,
  });
  return { done, upstream, client, start };
}

/** Runs one forwarded request to its end on the fake clock. */
async function forward(scenario: Scenario, prepare?: (client: FakeClient) => void) {
  const { done, upstream, client, start } = startForward(scenario, prepare);
  const outcome = await settle(done);
  return {
    outcome,
    upstream,
    client,
    tryTimes: upstream.tries.map((t) => t.at - start),
    endedAt: Date.now() - start,
  };
}

beforeEach(() => {
  // A request takes a handful of timers; a mutant that retries forever hits this limit at once.
  vi.useFakeTimers({ now: 0, loopLimit: 200 });
  // The back-off's draw at its top: (2^n − 1) × 25 ms, so the tries' times show the formula.
  vi.spyOn(Math, 'random').mockReturnValue(1);
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('answers', () => {
  it('keeps the first answer and streams it to the client', async () => {
    const { outcome, client, upstream } = await forward({ replies: [{ status: 200, body: 'movies' }] });
    expect(outcome).toEqual({ kind: 'answered' });
    expect(client.answers).toEqual([{ status: 200, headers: { 'x-try': '1' }, body: 'movies' }]);
    expect(upstream.tries).toHaveLength(1);
    expect(upstream.tries[0]).toMatchObject({ path: '/api/movies', method: 'GET', body: undefined });
  });

  it('sends no abort signal when no timeout needs one', async () => {
    const { upstream } = await forward({ replies: [{ status: 200 }] });
    expect(upstream.tries[0]?.aborted()).toBe(false);
  });
});

describe("Istio's default policy (no retries field)", () => {
  it('tries a 503 three times with the jittered exponential back-off, then passes the last 503 on', async () => {
    const { outcome, client, tryTimes } = await forward({ replies: [{ status: 503 }] });
    expect(tryTimes).toEqual([0, 25, 100]);
    expect(outcome).toEqual({ kind: 'answered' });
    expect(client.answers.map((a) => [a.status, a.headers['x-try'], a.body])).toEqual([
      [503, '3', 'answer 503'],
    ]);
  });

  it('keeps the first answer that is not retriable', async () => {
    const { client, tryTimes } = await forward({ replies: [{ status: 503 }, { status: 200, body: 'ok' }] });
    expect(tryTimes).toEqual([0, 25]);
    expect(client.answers.map((a) => [a.status, a.body])).toEqual([[200, 'ok']]);
  });

  it('does not retry a 500, nor a 503 to a request that is not idempotent', async () => {
    expect((await forward({ replies: [{ status: 500 }] })).tryTimes).toEqual([0]);
    const post = await forward({ replies: [{ status: 503 }], method: 'POST', body: Buffer.from('{}') });
    expect(post.tryTimes).toEqual([0]);
    expect(post.client.answers.map((a) => a.status)).toEqual([503]);
  });

  it('retries a connect failure twice and answers it as retried', async () => {
    const { outcome, tryTimes } = await forward({ replies: [{ error: coded('ECONNREFUSED') }] });
    expect(tryTimes).toEqual([0, 25, 100]);
    expect(outcome).toMatchObject({ kind: 'connect', retried: true });
  });

  it('retries a connect failure even for POST, and keeps the answer that follows', async () => {
    const { outcome, tryTimes, client } = await forward({
      replies: [{ error: coded('ECONNREFUSED') }, { status: 201 }],
      method: 'POST',
      body: Buffer.from('{}'),
    });
    expect(tryTimes).toEqual([0, 25]);
    expect(outcome).toEqual({ kind: 'answered' });
    expect(client.answers.map((a) => a.status)).toEqual([201]);
  });

  it('retries a reset of an idempotent request (Envoy’s connect-failure covers it) but not of a POST', async () => {
    const get = await forward({ replies: [{ error: coded('ECONNRESET') }] });
    expect(get.tryTimes).toEqual([0, 25, 100]);
    expect(get.outcome).toMatchObject({ kind: 'reset', retried: true });
    const post = await forward({
      replies: [{ error: coded('ECONNRESET') }],
      method: 'POST',
      body: Buffer.from(''),
    });
    expect(post.tryTimes).toEqual([0]);
    expect(post.outcome).toMatchObject({ kind: 'reset', retried: false });
  });

  it('does not retry an error it cannot classify', async () => {
    const error = new Error('boom');
    const { outcome, tryTimes } = await forward({ replies: [{ error }] });
    expect(tryTimes).toEqual([0]);
    expect(outcome).toEqual({ kind: 'other', retried: false, error });
  });
});

describe('retryOn conditions', () => {
  it('retries every 5xx on 5xx, and resets of a POST', async () => {
    const status = await forward({
      replies: [{ status: 500 }, { status: 502 }, { status: 200 }],
      retries: { attempts: 3, retryOn: '5xx' },
    });
    expect(status.tryTimes).toEqual([0, 25, 100]);
    expect(status.client.answers.map((a) => a.status)).toEqual([200]);
    const reset = await forward({
      replies: [{ error: coded('EPIPE') }],
      retries: { attempts: 1, retryOn: '5xx' },
      method: 'POST',
      body: Buffer.from('x'),
    });
    expect(reset.tryTimes).toEqual([0, 25]);
    expect(reset.outcome).toMatchObject({ kind: 'reset', retried: true });
  });

  it('retries 504 on gateway-error but not 500', async () => {
    const gateway = await forward({
      replies: [{ status: 504 }, { status: 200 }],
      retries: { attempts: 1, retryOn: 'gateway-error' },
    });
    expect(gateway.tryTimes).toEqual([0, 25]);
    const other = await forward({
      replies: [{ status: 500 }],
      retries: { attempts: 1, retryOn: 'gateway-error' },
    });
    expect(other.tryTimes).toEqual([0]);
  });

  it('retries a reset of a POST on reset, but no connect failure', async () => {
    const reset = await forward({
      replies: [{ error: coded('UND_ERR_SOCKET') }, { status: 200 }],
      retries: { attempts: 1, retryOn: 'reset' },
      method: 'POST',
      body: Buffer.from('x'),
    });
    expect(reset.tryTimes).toEqual([0, 25]);
    expect(reset.outcome).toEqual({ kind: 'answered' });
    const connect = await forward({
      replies: [{ error: coded('ECONNREFUSED') }],
      retries: { attempts: 1, retryOn: 'reset' },
    });
    expect(connect.tryTimes).toEqual([0]);
    expect(connect.outcome).toMatchObject({ kind: 'connect', retried: false });
  });

  it('retries a listed status code', async () => {
    const { tryTimes } = await forward({
      replies: [{ status: 429 }, { status: 200 }],
      retries: { attempts: 1, retryOn: '429' },
    });
    expect(tryTimes).toEqual([0, 25]);
  });

  it('does not retry at all with attempts 0', async () => {
    const status = await forward({ replies: [{ status: 503 }], retries: { attempts: 0 } });
    expect(status.tryTimes).toEqual([0]);
    const connect = await forward({ replies: [{ error: coded('ECONNREFUSED') }], retries: { attempts: 0 } });
    expect(connect.tryTimes).toEqual([0]);
    expect(connect.outcome).toMatchObject({ kind: 'connect', retried: false });
  });

  it('exhausts a budget of 4 retries with the back-off capped at 250 ms', async () => {
    const { tryTimes, outcome } = await forward({
      replies: [{ error: coded('ECONNREFUSED') }],
      retries: { attempts: 4, retryOn: 'connect-failure' },
    });
    expect(tryTimes).toEqual([0, 25, 100, 275, 525]);
    expect(outcome).toMatchObject({ kind: 'connect', retried: true });
  });

  it('never retries a streamed body, which a failed try may have consumed', async () => {
    const streamed = Readable.from(['a']) as unknown as ForwardPlan['body'];
    const status = await forward({ replies: [{ status: 503 }], method: 'PUT', body: streamed });
    expect(status.tryTimes).toEqual([0]);
    const connect = await forward({
      replies: [{ error: coded('ECONNREFUSED') }],
      method: 'PUT',
      body: streamed,
    });
    expect(connect.outcome).toMatchObject({ kind: 'connect', retried: false });
  });

  it('retries a buffered body and sends it again', async () => {
    const body = Buffer.from('{"a":1}');
    const { upstream } = await forward({ replies: [{ status: 503 }, { status: 200 }], method: 'PUT', body });
    expect(upstream.tries.map((t) => t.body)).toEqual([body, body]);
  });
});

describe('perTryTimeout', () => {
  it('aborts a try that has not answered in time and retries it, whatever retryOn says', async () => {
    const { outcome, upstream, tryTimes, client } = await forward({
      replies: [{ hang: true }, { status: 200, delayMs: 50 }],
      retries: { attempts: 2, perTryTimeout: '100ms', retryOn: 'reset' },
    });
    expect(tryTimes).toEqual([0, 125]);
    expect(upstream.tries.map((t) => t.aborted())).toEqual([true, false]);
    expect(outcome).toEqual({ kind: 'answered' });
    expect(client.answers.map((a) => a.status)).toEqual([200]);
  });

  it('answers per-try-timeout, retried, once every try timed out', async () => {
    const { outcome, tryTimes, endedAt } = await forward({
      replies: [{ hang: true }],
      retries: { attempts: 2, perTryTimeout: '100ms' },
    });
    expect(tryTimes).toEqual([0, 125, 300]);
    expect(endedAt).toBe(400);
    expect(outcome).toMatchObject({ kind: 'per-try-timeout', retried: true });
  });

  it('answers per-try-timeout, not retried, when there is no retry left', async () => {
    const { outcome, endedAt } = await forward({
      replies: [{ hang: true }],
      retries: { attempts: 0, perTryTimeout: '100ms' },
    });
    expect(endedAt).toBe(100);
    expect(outcome).toMatchObject({ kind: 'per-try-timeout', retried: false });
  });

  it('stops the per-try timer once the answer started, so a slow body is not cut', async () => {
    const { outcome, client, upstream } = await forward({
      replies: [{ status: 200, delayMs: 50, body: 'slow', bodyDelayMs: 500 }],
      retries: { attempts: 2, perTryTimeout: '100ms' },
    });
    expect(outcome).toEqual({ kind: 'answered' });
    expect(client.answers.map((a) => a.body)).toEqual(['slow']);
    expect(upstream.tries.map((t) => t.aborted())).toEqual([false]);
  });

  it('stops the per-try timer of a failed try, so it cannot mark the next one as timed out', async () => {
    const { outcome, tryTimes } = await forward({
      replies: [
        { error: coded('ECONNRESET'), delayMs: 10 },
        { error: coded('ECONNRESET'), delayMs: 150 },
      ],
      retries: { attempts: 1, perTryTimeout: '200ms', retryOn: 'reset' },
    });
    expect(tryTimes).toEqual([0, 35]);
    expect(outcome).toMatchObject({ kind: 'reset', retried: true });
  });
});

describe('route timeout', () => {
  it('answers timeout, never retried, when the route timeout passes during a try', async () => {
    const { outcome, endedAt, tryTimes, upstream } = await forward({
      replies: [{ error: coded('ECONNREFUSED') }, { hang: true }],
      routeTimeoutMs: 150,
    });
    expect(tryTimes).toEqual([0, 25]);
    expect(endedAt).toBe(150);
    expect(upstream.tries[1]?.aborted()).toBe(true);
    expect(outcome).toMatchObject({ kind: 'timeout', retried: false });
  });

  it('answers timeout when the route timeout passes during a back-off after a failure', async () => {
    const { outcome, tryTimes, endedAt } = await forward({
      replies: [{ error: coded('ECONNREFUSED') }],
      routeTimeoutMs: 10,
    });
    expect(tryTimes).toEqual([0]);
    expect(endedAt).toBe(25);
    expect(outcome).toMatchObject({ kind: 'timeout', retried: false });
  });

  it('answers timeout when the route timeout passes during a back-off after a retriable status', async () => {
    const { outcome, tryTimes, client } = await forward({
      replies: [{ status: 503 }, { hang: true }],
      routeTimeoutMs: 10,
    });
    expect(tryTimes).toEqual([0]);
    expect(client.answers).toEqual([]);
    expect(outcome).toMatchObject({ kind: 'timeout', retried: false });
  });

  it('takes precedence over the per-try timeout', async () => {
    const { outcome, endedAt } = await forward({
      replies: [{ hang: true }],
      retries: { attempts: 2, perTryTimeout: '100ms' },
      routeTimeoutMs: 100,
    });
    expect(endedAt).toBe(100);
    expect(outcome).toMatchObject({ kind: 'timeout', retried: false });
  });

  it('stops the route timer as soon as the request ends', async () => {
    const { done } = startForward({ replies: [{ status: 200 }], routeTimeoutMs: 1000 });
    await vi.advanceTimersByTimeAsync(1);
    expect(await done).toEqual({ kind: 'answered' });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('leaves no timer behind once the request ends', async () => {
    await forward({
      replies: [{ status: 200 }],
      routeTimeoutMs: 1000,
      retries: { attempts: 1, perTryTimeout: '500ms' },
    });
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('failures after the answer started', () => {
  it('cuts the stream (DC) and does not retry', async () => {
    const { outcome, client, tryTimes } = await forward({
      replies: [{ status: 200, bodyError: coded('ECONNRESET') }],
    });
    expect(tryTimes).toEqual([0]);
    expect(outcome).toEqual({ kind: 'cut', flag: 'DC' });
    expect(client.destroyed).toBe(1);
    expect(client.answers.map((a) => a.body)).toEqual(['partial']);
  });

  it('cuts with UT when the route timeout ended the stream', async () => {
    const { outcome, client } = await forward({
      replies: [{ status: 200, body: 'late', bodyDelayMs: 500 }],
      routeTimeoutMs: 100,
    });
    expect(outcome).toEqual({ kind: 'cut', flag: 'UT' });
    expect(client.destroyed).toBe(1);
  });

  it('cuts without a flag when the client had the whole answer', async () => {
    const { outcome } = await forward(
      { replies: [{ status: 200, bodyError: coded('ECONNRESET') }] },
      (client) => {
        client.res.writableFinished = true;
      },
    );
    expect(outcome).toEqual({ kind: 'cut', flag: undefined });
  });

  it('cuts when the client left before any answer', async () => {
    const { outcome, upstream } = await forward({ replies: [{ error: coded('ECONNREFUSED') }] }, (client) => {
      client.res.destroyed = true;
    });
    expect(outcome).toEqual({ kind: 'cut', flag: 'DC' });
    expect(upstream.tries).toHaveLength(1);
  });
});
