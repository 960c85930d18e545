/** The retry policy as Istio configures Envoy: unit tests, no sockets. */
import type { HttpRoute } from '@movies/mesh';
import { describe, expect, it } from 'vitest';
import { backoffMs, isIdempotent, retryPolicyOf } from '../src/retry-policy.js';

function rule(retries?: HttpRoute['retries']): HttpRoute {
  return {
    route: [{ destination: { host: 'movie-backend', subset: 'v1' } }],
    ...(retries ? { retries } : {}),
  };
}

function statuses(retriable: (status: number) => boolean): number[] {
  const all = [50, 200, 404, 408, 409, 429, 499, 500, 501, 502, 503, 504, 505, 599, 5000];
  return all.filter(retriable);
}

describe('retryPolicyOf', () => {
  it("gives a rule without retries Istio's default: 2 retries on connect failure, refused stream and 503", () => {
    const policy = retryPolicyOf(rule());
    expect(policy.attempts).toBe(2);
    expect(policy.perTryTimeoutMs).toBeUndefined();
    expect(policy.onConnectFailure).toBe(true);
    expect(policy.onReset).toBe(false);
    expect(statuses(policy.retriableStatus)).toEqual([503]);
  });

  it("uses Istio's default retryOn when a rule sets attempts only", () => {
    const policy = retryPolicyOf(rule({ attempts: 5 }));
    expect(policy.attempts).toBe(5);
    expect(policy.onConnectFailure).toBe(true);
    expect(policy.onReset).toBe(false);
    expect(statuses(policy.retriableStatus)).toEqual([503]);
  });

  it('retries every 5xx, connect failures and resets on 5xx', () => {
    const policy = retryPolicyOf(rule({ attempts: 1, retryOn: '5xx' }));
    expect(policy.onConnectFailure).toBe(true);
    expect(policy.onReset).toBe(true);
    expect(statuses(policy.retriableStatus)).toEqual([500, 501, 502, 503, 504, 505, 599, 5000]);
  });

  it('retries 502, 503 and 504 and connect failures, but not resets, on gateway-error', () => {
    const policy = retryPolicyOf(rule({ attempts: 1, retryOn: 'gateway-error' }));
    expect(policy.onConnectFailure).toBe(true);
    expect(policy.onReset).toBe(false);
    expect(statuses(policy.retriableStatus)).toEqual([502, 503, 504]);
  });

  it('retries resets only on reset', () => {
    const policy = retryPolicyOf(rule({ attempts: 1, retryOn: 'reset' }));
    expect(policy.onReset).toBe(true);
    expect(policy.onConnectFailure).toBe(false);
    expect(statuses(policy.retriableStatus)).toEqual([]);
  });

  it('retries connect failures on connect-failure, and on refused-stream, alone', () => {
    for (const retryOn of ['connect-failure', 'refused-stream']) {
      const policy = retryPolicyOf(rule({ attempts: 1, retryOn }));
      expect(policy.onConnectFailure, retryOn).toBe(true);
      expect(policy.onReset, retryOn).toBe(false);
      expect(statuses(policy.retriableStatus), retryOn).toEqual([]);
    }
  });

  it('retries nothing on a condition it does not know', () => {
    const policy = retryPolicyOf(rule({ attempts: 3, retryOn: 'cancelled' }));
    expect(policy).toMatchObject({ attempts: 3, onConnectFailure: false, onReset: false });
    expect(statuses(policy.retriableStatus)).toEqual([]);
  });

  it('reads the listed status codes, trimmed, and adds 503 to retriable-status-codes as Istio does', () => {
    const listed = retryPolicyOf(rule({ attempts: 1, retryOn: ' 409 , ,429,5000,50' }));
    expect(statuses(listed.retriableStatus)).toEqual([409, 429]);
    expect(listed.onConnectFailure).toBe(false);
    const withCodes = retryPolicyOf(rule({ attempts: 1, retryOn: 'retriable-status-codes,409' }));
    expect(statuses(withCodes.retriableStatus)).toEqual([409, 503]);
    const trimmed = retryPolicyOf(rule({ attempts: 1, retryOn: ' 5xx ,reset' }));
    expect(statuses(trimmed.retriableStatus)).toContain(500);
  });

  it('reads perTryTimeout in milliseconds', () => {
    expect(retryPolicyOf(rule({ attempts: 1, perTryTimeout: '1.5s' })).perTryTimeoutMs).toBe(1500);
    expect(retryPolicyOf(rule({ attempts: 1, perTryTimeout: '250ms' })).perTryTimeoutMs).toBe(250);
  });

  it('computes a rule’s policy once', () => {
    const route = rule({ attempts: 1, retryOn: '5xx' });
    expect(retryPolicyOf(route)).toBe(retryPolicyOf(route));
    expect(retryPolicyOf(rule({ attempts: 1, retryOn: '5xx' }))).not.toBe(retryPolicyOf(route));
  });
});

describe('isIdempotent', () => {
  it('holds for the idempotent methods in any case, not for POST, PATCH or CONNECT', () => {
    for (const method of ['GET', 'head', 'Options', 'PUT', 'delete', 'TRACE'])
      expect(isIdempotent(method), method).toBe(true);
    for (const method of ['POST', 'patch', 'CONNECT']) expect(isIdempotent(method), method).toBe(false);
  });
});

describe('backoffMs', () => {
  it('draws uniformly in [0, (2^n − 1) × 25 ms], capped at 250 ms', () => {
    const top = () => 1;
    expect([1, 2, 3, 4, 5].map((retry) => backoffMs(retry, top))).toEqual([25, 75, 175, 250, 250]);
    expect(backoffMs(2, () => 0.5)).toBe(37.5);
    expect(backoffMs(3, () => 0)).toBe(0);
  });

  it('uses Math.random by default', () => {
    for (let i = 0; i < 20; i++) {
      const value = backoffMs(1);
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(25);
    }
  });
});
