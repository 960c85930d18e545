/**
 * The attempt loop: one forwarded request, tried as the route's retry policy and timeouts say (Envoy's router:
 * per-try timeout, route timeout, retriable status codes and connection failures, jittered back-off). It streams
 * the accepted answer through `answer` and returns how the request ended; mapping that to the gateway's own
 * answer is ./outcomes.ts.
 */
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { Readable, Writable } from 'node:stream';
import type { Pool } from 'undici';
import { discard } from './http-io.js';
import { type AbortReasons, classifyError, type FailureKind, type Outcome } from './outcomes.js';
import { backoffMs, type RetryPolicy } from './retry-policy.js';

export interface ForwardPlan {
  pool: Pool;
  path: string;
  method: string;
  headers: Record<string, string | string[]>;
  body: Buffer | Readable | undefined;
  policy: RetryPolicy;
  idempotent: boolean;
  /** 0 for none. */
  routeTimeoutMs: number;
  /** The client's response: a failure after its head was sent can only cut it. */
  res: ServerResponse;
  /** Called with the answer that is kept (not retried); writes its head and returns where its body goes. */
  answer: (status: number, headers: IncomingHttpHeaders) => Writable;
}

/** The route-wide timer and the abort signal every try follows. */
interface RouteTimer {
  controller: AbortController | undefined;
  reasons: AbortReasons;
  timer: NodeJS.Timeout | undefined;
}

type TryResult = { kind: 'answered' } | { kind: 'retry-status' } | { kind: 'failed'; error: unknown };

/** The back-off wait, on the global timer like every other timer here, so one clock (a test's fake one) runs them all. */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const ANSWERED: Outcome = { kind: 'answered' };
const TRY_ANSWERED: TryResult = { kind: 'answered' };
const TRY_RETRY_STATUS: TryResult = { kind: 'retry-status' };

function startRouteTimer(plan: ForwardPlan): RouteTimer {
  // Stryker disable next-line ObjectLiteral,BooleanLiteral: tryOnce resets perTry before every try, and an absent flag reads as false
  const reasons = { timeout: false, perTry: false };
  // Abort signals only when a timeout needs them: the common path stays allocation-light. A client that goes
  // away is noticed by undici itself, which aborts the upstream request when `res` closes early.
  // Stryker disable next-line ConditionalExpression,EqualityOperator: a controller that no timer fires changes nothing but an allocation
  const timed = plan.routeTimeoutMs > 0 || plan.policy.perTryTimeoutMs !== undefined;
  const controller = timed ? new AbortController() : undefined;
  const timer =
    plan.routeTimeoutMs > 0
      ? setTimeout(() => {
          reasons.timeout = true;
          // Stryker disable next-line OptionalChaining: this timer exists only with a route timeout, which also creates the controller
          controller?.abort();
        }, plan.routeTimeoutMs)
      : undefined;
  return { controller, reasons, timer };
}

/** One try: resolves once the answer is streamed, or is to be retried for its status, or failed. */
async function tryOnce(plan: ForwardPlan, route: RouteTimer, retriesLeft: boolean): Promise<TryResult> {
  route.reasons.perTry = false;
  const tryController = route.controller ? new AbortController() : undefined;
  // Stryker disable next-line OptionalChaining: abortTry is registered only on route.controller, which exists exactly when tryController does
  const abortTry = () => tryController?.abort();
  // Stryker disable next-line ObjectLiteral,BooleanLiteral: the listener is removed in the finally below whether or not it fired
  route.controller?.signal.addEventListener('abort', abortTry, { once: true });
  const perTryMs = plan.policy.perTryTimeoutMs;
  const tryTimer =
    perTryMs !== undefined
      ? setTimeout(() => {
          route.reasons.perTry = true;
          // Stryker disable next-line OptionalChaining: a per-try timeout makes the plan timed, so tryController exists
          tryController?.abort();
        }, perTryMs)
      : undefined;
  let retryStatus = false;
  try {
    const { path, method, headers, body } = plan;
    await plan.pool.stream(
      { path, method, headers, body, signal: tryController?.signal },
      ({ statusCode, headers: upstreamHeaders }) => {
        clearTimeout(tryTimer);
        if (retriesLeft && plan.idempotent && plan.policy.retriableStatus(statusCode)) {
          retryStatus = true;
          return discard();
        }
        return plan.answer(statusCode, upstreamHeaders);
      },
    );
    return retryStatus ? TRY_RETRY_STATUS : TRY_ANSWERED;
  } catch (error) {
    clearTimeout(tryTimer);
    // Stryker disable next-line StringLiteral: the loop tells only answered and retry-status apart; any other kind is a failure
    return { kind: 'failed', error };
  } finally {
    // Stryker disable next-line StringLiteral: a stale listener only aborts a try that has already ended
    route.controller?.signal.removeEventListener('abort', abortTry);
  }
}

function isRetriable(kind: FailureKind, policy: RetryPolicy, idempotent: boolean): boolean {
  if (kind === 'per-try-timeout') return true;
  if (kind === 'connect') return policy.onConnectFailure;
  return kind === 'reset' && (policy.onReset || (policy.onConnectFailure && idempotent));
}

/** What a failed try leads to: an outcome, or undefined to try again (after the back-off). */
async function afterFailure(
  plan: ForwardPlan,
  error: unknown,
  route: RouteTimer,
  retriesLeft: boolean,
  attempt: number,
): Promise<Outcome | undefined> {
  const { res } = plan;
  if (res.headersSent || res.destroyed) {
    // Failed after the answer started (or the client left): all that can be done is cut the stream.
    res.destroy();
    if (route.reasons.timeout) return { kind: 'cut', flag: 'UT' };
    return { kind: 'cut', flag: res.writableFinished ? undefined : 'DC' };
  }
  const kind = classifyError(error, route.reasons);
  if (kind === 'timeout') return { kind, retried: false, error };
  if (retriesLeft && isRetriable(kind, plan.policy, plan.idempotent)) {
    await sleep(backoffMs(attempt + 1));
    return route.reasons.timeout ? { kind: 'timeout', retried: false, error } : undefined;
  }
  return { kind, retried: attempt > 0, error };
}

/** Tries the request until an answer is kept, the retries run out or the route times out. */
export async function forwardWithRetries(plan: ForwardPlan): Promise<Outcome> {
  // A streamed body may be partly consumed by a failed try, so only bodyless or buffered requests retry.
  const replayable = plan.body === undefined || Buffer.isBuffer(plan.body);
  const route = startRouteTimer(plan);
  try {
    for (let attempt = 0; ; attempt++) {
      const retriesLeft = attempt < plan.policy.attempts && replayable;
      const result = await tryOnce(plan, route, retriesLeft);
      if (result.kind === 'answered') return ANSWERED;
      if (result.kind === 'retry-status') {
        await sleep(backoffMs(attempt + 1));
        // The route timeout may pass during the back-off; the next try must not start without it.
        if (route.reasons.timeout) return { kind: 'timeout', retried: false, error: undefined };
        continue;
      }
      const outcome = await afterFailure(plan, result.error, route, retriesLeft, attempt);
      if (outcome) return outcome;
    }
  } finally {
    clearTimeout(route.timer);
  }
}
