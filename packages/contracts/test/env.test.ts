import { describe, expect, it } from 'vitest';
import { parseEnv, pickShared, portVariable, refuseAnyPort, sharedEnv } from '../src/env.js';
import { AppError } from '../src/errors.js';

function failure(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected a configuration error');
}

describe('parseEnv', () => {
  const shape = pickShared('GATEWAY_PORT', 'VITE_PORT', 'MESH_UPSTREAM_V1', 'GATEWAY_TOKEN');

  it('applies defaults, treats blank as unset and normalises upstream origins', () => {
    expect(
      parseEnv(shape, { VITE_PORT: ' ', MESH_UPSTREAM_V1: 'http://127.0.0.1:9001/' }, { what: 'x' }),
    ).toEqual({
      GATEWAY_PORT: 8080,
      VITE_PORT: 5173,
      MESH_UPSTREAM_V1: 'http://127.0.0.1:9001',
      GATEWAY_TOKEN: undefined,
    });
  });

  it.each([
    ['99999', 'GATEWAY_PORT must be a port number from 0 to 65535 (got "99999")'],
    ['abc', 'GATEWAY_PORT must be a port number from 0 to 65535 (got "abc")'],
    ['-1', 'GATEWAY_PORT must be a port number from 0 to 65535 (got "-1")'],
    ['80.5', 'GATEWAY_PORT must be a port number from 0 to 65535 (got "80.5")'],
  ])('refuses GATEWAY_PORT=%s with one message naming it', (value, message) => {
    const error = failure(() =>
      parseEnv(shape, { GATEWAY_PORT: value }, { what: 'invalid test configuration' }),
    );
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toBe(`invalid test configuration: ${message}`);
  });

  it('accepts the whole port range, 0 included', () => {
    for (const value of ['0', '1', '65535'])
      expect(parseEnv({ P: portVariable('P', 1) }, { P: value }, { what: 'x' }).P).toBe(Number(value));
  });

  it('names every bad variable on one line and never echoes a secret', () => {
    const error = failure(() =>
      parseEnv(shape, { GATEWAY_PORT: 'x', VITE_PORT: '70000', GATEWAY_TOKEN: 'short' }, { what: 'bad' }),
    );
    expect(error.message).toMatch(
      /^bad: GATEWAY_PORT .*; VITE_PORT .*\(got "70000"\); GATEWAY_TOKEN must be/,
    );
    expect(error.message).not.toContain('short');
  });

  it('has one rule per shared variable: each names itself', () => {
    for (const [name, rule] of Object.entries(sharedEnv)) {
      const result = rule.safeParse('not valid at all');
      expect(result.success, name).toBe(false);
      expect(result.error?.issues[0]?.message, name).toContain(
        name.startsWith('MESH_UPSTREAM') ? 'is not a URL' : name,
      );
    }
  });
});

describe('refuseAnyPort', () => {
  it('refuses 0 where the port must be known, and lets the others pass', () => {
    expect(() => refuseAnyPort({ A: 1, B: 2 }, 'x')).not.toThrow();
    const error = failure(() => refuseAnyPort({ A: 0, B: 2, C: 0 }, 'the parts must know it'));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toBe('A, C are 0 (any free port), but the parts must know it');
  });
});
