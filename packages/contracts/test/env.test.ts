import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  blankAsUnset,
  defaultPorts,
  hostVariable,
  integerVariable,
  originUrlSchema,
  parseEnv,
  pickShared,
  portVariable,
  refuseAnyPort,
  sharedEnv,
  variable,
} from '../src/env.js';
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

describe('the variable rules', () => {
  const parse = (rule: ReturnType<typeof portVariable>, value: unknown) => rule.safeParse(value);

  it('reads blank as unset, and leaves anything but a string alone', () => {
    expect(blankAsUnset('  ')).toBeUndefined();
    expect(blankAsUnset('')).toBeUndefined();
    expect(blankAsUnset(' 8 ')).toBe(' 8 ');
    expect(blankAsUnset(8)).toBe(8);
  });

  it('integerVariable: a whole number within its bounds, else a message naming the variable and its range', () => {
    const rule = integerVariable('RETRIES', 2, 9, 3);
    expect(rule.parse(undefined)).toBe(3);
    expect(rule.parse('')).toBe(3);
    expect(rule.parse('2')).toBe(2);
    expect(rule.parse('9')).toBe(9);
    for (const bad of ['1', '10', '4.5', 'x4', '4x', '-3']) {
      const result = rule.safeParse(bad);
      expect(result.success, bad).toBe(false);
      expect(result.error?.issues[0]?.message, bad).toBe('RETRIES must be an integer from 2 to 9');
    }
  });

  it('portVariable: 0 to 65535 with its fallback, refusing longer or larger numbers', () => {
    const rule = portVariable('P', 4000);
    expect(parse(rule, undefined).data).toBe(4000);
    expect(parse(rule, '00080').data).toBe(80);
    for (const bad of ['65536', '123456', ' 80', '8o'])
      expect(parse(rule, bad).error?.issues[0]?.message, bad).toBe('P must be a port number from 0 to 65535');
  });

  it('hostVariable: an address or name, 127.0.0.1 unless set', () => {
    const rule = hostVariable('H');
    expect(rule.parse(undefined)).toBe('127.0.0.1');
    expect(rule.parse('0.0.0.0')).toBe('0.0.0.0');
    expect(rule.parse('::1')).toBe('::1');
    expect(rule.parse('my-box.lan')).toBe('my-box.lan');
    for (const bad of ['a b', 'host/path', 'x;y'])
      expect(rule.safeParse(bad).error?.issues[0]?.message, bad).toBe(
        'H must be an address or host name such as 127.0.0.1 or 0.0.0.0',
      );
  });

  it('originUrlSchema: an http(s) origin, its trailing slash dropped, nothing after it', () => {
    expect(originUrlSchema.parse('https://example.test:8443/')).toBe('https://example.test:8443');
    expect(originUrlSchema.parse('http://127.0.0.1:8001')).toBe('http://127.0.0.1:8001');
    const message = (value: string) => originUrlSchema.safeParse(value).error?.issues[0]?.message;
    expect(message('nope')).toBe('"nope" is not a URL (e.g. http://127.0.0.1:8001)');
    expect(message('ftp://h')).toBe('"ftp://h" must be an http:// or https:// URL');
    for (const bad of ['http://h/api', 'http://h/?q=1', 'http://h/#top'])
      expect(message(bad), bad).toBe(`"${bad}" must be an origin only, without a path`);
  });

  it('defaultPorts: the pnpm dev layout the READMEs name', () => {
    expect(defaultPorts).toEqual({
      GATEWAY_PORT: 8080,
      BACKEND_V1_PORT: 8001,
      BACKEND_V2_PORT: 8002,
      VITE_PORT: 5173,
      GATEWAY_METRICS_PORT: 15090,
      PROMETHEUS_PORT: 9090,
    });
    expect(sharedEnv.GATEWAY_METRICS_HOST.parse(undefined)).toBe('127.0.0.1');
    expect(sharedEnv.GATEWAY_TOKEN.parse('a'.repeat(16))).toBe('a'.repeat(16));
    expect(sharedEnv.GATEWAY_TOKEN.safeParse('a'.repeat(513)).success).toBe(false);
    expect(sharedEnv.GATEWAY_TOKEN.safeParse('a'.repeat(15)).success).toBe(false);
  });
});

describe('parseEnv messages', () => {
  it('prefixes a message that does not name its variable, with the path inside it, and hides named secrets', () => {
    const shape = {
      LIST: variable(z.object({ first: z.string() })),
      KEY: variable(z.string().min(5, 'too short')),
      PLAIN: variable(z.string().min(5, 'too short')),
    };
    const error = failure(() =>
      parseEnv(shape, { KEY: 'abc', PLAIN: 'abc' } as NodeJS.ProcessEnv, { what: 'w', secret: ['KEY'] }),
    );
    expect(error.message).toBe(
      'w: LIST: Invalid input: expected object, received undefined; KEY: too short; PLAIN: too short (got "abc")',
    );
  });

  it('reads only the variables of its shape', () => {
    expect(parseEnv(pickShared('VITE_PORT'), { VITE_PORT: '1', GATEWAY_PORT: 'x' }, { what: 'x' })).toEqual({
      VITE_PORT: 1,
    });
  });
});

describe('refuseAnyPort wording', () => {
  it('says "is" for one port', () => {
    expect(() => refuseAnyPort({ A: 0, B: 1 }, 'why')).toThrow('A is 0 (any free port), but why');
  });
});
