/** How a forwarded request ended, and the answer and Envoy flags that follow: unit tests, no sockets. */
import { describe, expect, it } from 'vitest';
import { classifyError, failureAnswers, failureFlags } from '../src/outcomes.js';

const noAbort = { timeout: false, perTry: false };

function coded(code: string): Error {
  return Object.assign(new Error(code), { code });
}

describe('failureAnswers', () => {
  it('answers each failure with Envoy’s own status, flag and text', () => {
    const error = new Error('socket hang up');
    const answers = Object.fromEntries(
      Object.entries(failureAnswers).map(([kind, answer]) => [
        kind,
        [answer.status, answer.flag, answer.text(error)],
      ]),
    );
    const reset = 'upstream connect error or disconnect/reset before headers. reset reason:';
    expect(answers).toEqual({
      timeout: [504, 'UT', 'upstream request timeout'],
      'per-try-timeout': [504, 'UT', 'upstream request timeout'],
      connect: [503, 'UH', 'no healthy upstream'],
      reset: [503, 'UC', `${reset} connection termination`],
      other: [503, 'UC', `${reset} socket hang up`],
    });
  });
});

describe('failureFlags', () => {
  it('adds URX only to a failure that was retried, and never to the route timeout', () => {
    expect(failureFlags('connect', false)).toEqual(['UH']);
    expect(failureFlags('connect', true)).toEqual(['UH', 'URX']);
    expect(failureFlags('reset', true)).toEqual(['UC', 'URX']);
    expect(failureFlags('other', true)).toEqual(['UC', 'URX']);
    expect(failureFlags('per-try-timeout', false)).toEqual(['UT']);
    expect(failureFlags('per-try-timeout', true)).toEqual(['UT', 'URX']);
    expect(failureFlags('timeout', true)).toEqual(['UT']);
    expect(failureFlags('timeout', false)).toEqual(['UT']);
  });
});

describe('classifyError', () => {
  it('names the route timeout first, then the per-try timeout, whatever the error', () => {
    expect(classifyError(coded('ECONNREFUSED'), { timeout: true, perTry: true })).toBe('timeout');
    expect(classifyError(coded('ECONNREFUSED'), { timeout: false, perTry: true })).toBe('per-try-timeout');
  });

  it('tells a connect failure from a reset', () => {
    for (const code of [
      'ECONNREFUSED',
      'UND_ERR_CONNECT_TIMEOUT',
      'ENOTFOUND',
      'EAI_AGAIN',
      'EHOSTUNREACH',
      'ENETUNREACH',
    ]) {
      expect(classifyError(coded(code), noAbort), code).toBe('connect');
    }
    for (const code of ['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE', 'UND_ERR_CLOSED']) {
      expect(classifyError(coded(code), noAbort), code).toBe('reset');
    }
  });

  it('calls anything else other, including errors without a code and non-errors', () => {
    expect(classifyError(coded('UND_ERR_ABORTED'), noAbort)).toBe('other');
    expect(classifyError(new Error('boom'), noAbort)).toBe('other');
    expect(classifyError(null, noAbort)).toBe('other');
    expect(classifyError(undefined, noAbort)).toBe('other');
  });
});
