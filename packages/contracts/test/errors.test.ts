/** The one errors module: codes, the HTTP status and exit code each implies, and the wire form of the code. */
import { describe, expect, it } from 'vitest';
import { AppError, errorCodes, exitCodeOf, UsageError } from '../src/errors.js';

describe('AppError', () => {
  it('carries its code, message, headers and cause, and derives status, exit code and wire code from the code', () => {
    const cause = new Error('root');
    const error = new AppError('METHOD_NOT_ALLOWED', 'use GET', { headers: { allow: 'GET' }, cause });
    expect(error).toBeInstanceOf(Error);
    expect([error.name, error.code, error.message, error.cause]).toEqual([
      'AppError',
      'METHOD_NOT_ALLOWED',
      'use GET',
      cause,
    ]);
    expect(error.headers).toEqual({ allow: 'GET' });
    expect([error.status, error.exitCode, error.wireCode]).toEqual([405, 64, 'method_not_allowed']);
  });

  it('has no headers unless given', () => {
    expect(new AppError('NOT_FOUND', 'gone').headers).toStrictEqual({});
    expect(new AppError('NOT_FOUND', 'gone', {}).headers).toStrictEqual({});
  });

  it('follows the table for every code', () => {
    for (const [code, { status, exitCode }] of Object.entries(errorCodes)) {
      const error = new AppError(code as keyof typeof errorCodes, code);
      expect([error.status, error.exitCode, error.wireCode], code).toEqual([
        status,
        exitCode,
        code.toLowerCase(),
      ]);
    }
  });
});

describe('UsageError', () => {
  it('is the USAGE AppError, naming the subcommand whose help to read', () => {
    const error = new UsageError('--requests must be a whole number', 'test');
    expect(error).toBeInstanceOf(AppError);
    expect([error.name, error.code, error.message, error.command]).toEqual([
      'UsageError',
      'USAGE',
      '--requests must be a whole number',
      'test',
    ]);
    expect(error.exitCode).toBe(errorCodes.USAGE.exitCode);
    expect(new UsageError('bad').command).toBeUndefined();
  });
});

describe('exitCodeOf', () => {
  it('is an AppError’s exit code, else 70 (EX_SOFTWARE)', () => {
    expect(exitCodeOf(new AppError('BAD_REQUEST', 'x'))).toBe(65);
    expect(exitCodeOf(new Error('x'))).toBe(70);
    expect(exitCodeOf('text')).toBe(70);
    expect(errorCodes.INTERNAL_ERROR.exitCode).toBe(70);
  });
});
