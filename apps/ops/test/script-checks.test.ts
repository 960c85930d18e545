import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCanarySteps, checkTarget, checkWeights } from '../src/script-checks.js';

describe('checkWeights (shift-traffic.sh V1 V2)', () => {
  it('answers a valid split as numbers', () => {
    expect(checkWeights(['95', '05'])).toBe('95 5');
  });

  it.each([
    [['95', '6'], 'weights must sum to 100, got 101 (95 + 6)'],
    [['50', '-50'], 'weight for v2 must be a whole number from 0 to 100, got "-50"'],
    [['x', '100'], 'weight for v1 must be a whole number from 0 to 100, got "x"'],
    [['50'], 'expected two weights (V1 V2), got 1: 50'],
  ])('refuses %j naming the bad value (exit 64)', (values, message) => {
    expect(() => checkWeights(values)).toThrow(expect.objectContaining({ message, exitCode: 64 }));
  });
});

describe('checkCanarySteps (canary.sh --steps)', () => {
  it('answers rising steps ending at 100', () => {
    expect(checkCanarySteps('5,010,100')).toBe('5,10,100');
  });

  it.each([
    ['10,5,100', '--steps must increase, got 5 after 10'],
    ['5,10,50', '--steps must end at 100 (the promotion), got 50'],
    ['5,x', "--steps must be a comma-separated list of percentages such as 5,10,50,100, got '5,x'"],
    ['0,100', "--steps: each step must be a percentage from 1 to 100, got '0'"],
    ['50,150', "--steps: each step must be a percentage from 1 to 100, got '150'"],
  ])('refuses %s (exit 64)', (list, message) => {
    expect(() => checkCanarySteps(list)).toThrow(expect.objectContaining({ message, exitCode: 64 }));
  });
});

describe('checkTarget (canary.sh --local/--cluster/--url)', () => {
  // Answers, but not as a local gateway: an ingress gateway's 404 for /__mesh.
  let ingress: Server;
  let url: string;
  beforeAll(async () => {
    ingress = createServer((_request, response) => {
      response.statusCode = 404;
      response.end('no route');
    });
    await new Promise<void>((resolve) => ingress.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(ingress.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => ingress.close(resolve)));

  it('detects a cluster where GET /__mesh is not the gateway state, saying why', async () => {
    expect(await checkTarget(undefined, `${url}/`)).toEqual({
      mode: 'cluster',
      url,
      detected: `the gateway at ${url} does not answer GET /__mesh`,
    });
  });

  it('keeps a mode given, and refuses --local where no local gateway answers (exit 69)', async () => {
    expect(await checkTarget('cluster', url)).toEqual({ mode: 'cluster', url });
    await expect(checkTarget('local', url)).rejects.toMatchObject({
      exitCode: 69,
      message: expect.stringContaining(`the local gateway at ${url} does not answer GET /__mesh`),
    });
  });
});
