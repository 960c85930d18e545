import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '@movies/contracts/errors';
import { parse } from 'dotenv';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { fixtureDir, runServerProcess } from './helpers.js';

function configError(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
    return (error as AppError).message;
  }
  throw new Error('expected a configuration error');
}

describe('loadConfig', () => {
  it('has production defaults', () => {
    expect(loadConfig({})).toEqual({
      port: 8000,
      dataDir: 'bollywood-data',
      serviceVersion: 'v1',
      logLevel: 'info',
      corsOrigin: '*',
      tmdb: undefined,
      faults: { errorRate: 0, delayMs: 0 },
      shutdown: { delayMs: 2000, timeoutMs: 10_000 },
    });
  });

  it('reads every variable, treating blank values as unset', () => {
    const config = loadConfig({
      PORT: '0',
      DATA_DIR: 'hollywood-data',
      SERVICE_VERSION: 'v2',
      TMDB_API_KEY: '0123456789abcdef0123456789abcdef',
      TMDB_BASE_URL: 'http://127.0.0.1:9/3/',
      TMDB_TIMEOUT_MS: '500',
      LOG_LEVEL: 'warn',
      FAULT_ERROR_RATE: '0.25',
      FAULT_DELAY_MS: '',
    });
    expect(config).toMatchObject({
      port: 0,
      dataDir: 'hollywood-data',
      serviceVersion: 'v2',
      logLevel: 'warn',
    });
    expect(config.tmdb).toMatchObject({
      baseUrl: 'http://127.0.0.1:9/3',
      timeoutMs: 500,
      cacheTtlMs: 300_000,
    });
    expect(config.faults).toEqual({ errorRate: 0.25, delayMs: 0, seed: undefined });
    expect(loadConfig({ FAULT_SEED: '4294967295' }).faults.seed).toBe(4_294_967_295);
  });

  it('accepts an absolute DATA_DIR', () => {
    expect(loadConfig({ DATA_DIR: fixtureDir('bollywood') }).dataDir).toBe(fixtureDir('bollywood'));
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT must be a port number from 0 to 65535 (got "abc")'],
    [{ PORT: '99999' }, 'PORT must be a port number from 0 to 65535 (got "99999")'],
    [{ DATA_DIR: 'bollywood' }, 'DATA_DIR must be one of bollywood-data, hollywood-data or an absolute path'],
    [{ DATA_DIR: '../../etc' }, 'DATA_DIR must be one of'],
    [{ DATA_DIR: '/srv/data/../../etc' }, 'DATA_DIR must be one of'],
    [{ SERVICE_VERSION: 'latest' }, 'SERVICE_VERSION must look like v1, v2'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent'],
    [{ FAULT_ERROR_RATE: '1.5' }, 'FAULT_ERROR_RATE must be a number from 0 to 1'],
    [{ FAULT_DELAY_MS: '-5' }, 'FAULT_DELAY_MS must be an integer from 0 to 60000'],
    [{ FAULT_SEED: '4294967296' }, 'FAULT_SEED must be an integer from 0 to 4294967295'],
    [{ FAULT_SEED: 'x1' }, 'FAULT_SEED must be an integer from 0 to 4294967295'],
    [{ TMDB_BASE_URL: 'ftp://example.com' }, 'TMDB_BASE_URL must be an http(s) URL'],
  ])('%j → %s', (env, expected) => {
    const message = configError(env);
    expect(message).toContain(expected);
    expect(message).not.toContain('\n');
  });

  it('never echoes a malformed TMDB key', () => {
    const message = configError({ TMDB_API_KEY: 'short secret!' });
    expect(message).toContain('TMDB_API_KEY');
    expect(message).not.toContain('short secret');
  });

  it('names every bad variable on one line', () => {
    const message = configError({ PORT: 'x', LOG_LEVEL: 'y' });
    expect(message).toMatch(/PORT.*; LOG_LEVEL/);
  });
});

describe('the server process at start-up', () => {
  async function failedStart(env: Record<string, string>) {
    const proc = runServerProcess(env);
    const { code } = await proc.exited;
    return { code, stderr: proc.stderr(), stdout: proc.stdout() };
  }

  it('exits 1 with one line naming a bad variable', async () => {
    const { code, stderr, stdout } = await failedStart({ PORT: 'eighty' });
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([
      'Invalid configuration: PORT must be a port number from 0 to 65535 (got "eighty")',
    ]);
    expect(stdout).not.toContain('listening');
  });

  it('exits 1 naming the file when the catalogue is missing', async () => {
    const missing = path.join(fixtureDir('bollywood'), 'no-such-dir');
    const { code, stderr } = await failedStart({ DATA_DIR: missing });
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([
      `Cannot load catalogue ${path.join(missing, 'catalogue.json')}: file not found`,
    ]);
  });

  it('exits 1 naming the file when the catalogue is corrupt', async () => {
    const { code, stderr } = await failedStart({ DATA_DIR: fixtureDir('corrupt') });
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain(
      `Cannot load catalogue ${path.join(fixtureDir('corrupt'), 'catalogue.json')}: invalid JSON`,
    );
  });
});

describe('.env.example', () => {
  it('is a valid configuration equal to the defaults', () => {
    const example = parse(readFileSync(new URL('../.env.example', import.meta.url)));
    expect(loadConfig(example)).toEqual(loadConfig({}));
  });
});
