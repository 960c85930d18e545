/**
 * The retry policy of a route, as Istio configures Envoy: a rule's `retries` field, or Istio's default policy
 * (2 retries on connect failure and 503) when the rule has none.
 */
import { type HttpRoute, parseDuration } from '@movies/mesh';

export interface RetryPolicy {
  /** Retries after the first try. */
  attempts: number;
  perTryTimeoutMs: number | undefined;
  onConnectFailure: boolean;
  /** Connection reset or closed before the response headers arrived. */
  onReset: boolean;
  retriableStatus: (status: number) => boolean;
}

/** Istio's default retry_on when a route sets none (networking/core/route/retry). */
const istioDefaultRetryOn = 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes';

const policies = new WeakMap<HttpRoute, RetryPolicy>();

/** The rule's policy, computed once per rule object (tables are immutable, so rules never change). */
export function retryPolicyOf(rule: HttpRoute): RetryPolicy {
  let policy = policies.get(rule);
  if (!policy) {
    policy = computeRetryPolicy(rule);
    policies.set(rule, policy);
  }
  return policy;
}

function computeRetryPolicy(rule: HttpRoute): RetryPolicy {
  const retries = rule.retries ?? { attempts: 2, retryOn: istioDefaultRetryOn };
  // Stryker disable next-line MethodExpression: an empty token is never looked up, and the status-code regex skips it
  const tokens = (retries.retryOn ?? istioDefaultRetryOn)
    .split(',')
    .map((token) => token.trim())
    .filter(Boolean);
  const has = (token: string) => tokens.includes(token);
  const codes = new Set(tokens.filter((token) => /^\d{3}$/.test(token)).map(Number));
  // Istio always adds 503 to retriable-status-codes.
  if (has('retriable-status-codes')) codes.add(503);
  const any5xx = has('5xx');
  const gatewayError = has('gateway-error');
  return {
    attempts: retries.attempts,
    perTryTimeoutMs: retries.perTryTimeout ? parseDuration(retries.perTryTimeout) : undefined,
    onConnectFailure: any5xx || gatewayError || has('connect-failure') || has('refused-stream'),
    onReset: any5xx || has('reset'),
    retriableStatus: (status) =>
      (any5xx && status >= 500) || (gatewayError && status >= 502 && status <= 504) || codes.has(status),
  };
}

const idempotentMethods = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

export function isIdempotent(method: string): boolean {
  return idempotentMethods.has(method.toUpperCase());
}

/** Envoy's fully jittered exponential back-off: uniform in [0, (2^n - 1) × 25 ms], capped at 250 ms. */
export function backoffMs(retry: number, random: () => number = Math.random): number {
  return random() * Math.min(250, (2 ** retry - 1) * 25);
}
