/**
 * Each overlay's intent, end to end: the REAL backend as v1 and v2, the gateway routing by the overlay's
 * rendered VirtualServices (kubectl kustomize, or the committed k8s/rendered fallback), versions read from the
 * backend's x-backend-version header.
 */

import { seededRandom } from '@movies/contracts/random';
import { chiSquareGoodnessOfFit } from '@movies/mesh';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../src/testing.js';
import { binomialBounds, countBy, putMesh, sendMany } from './helpers.js';

let stack: LocalStack;

beforeAll(async () => {
  // Seeded draws: the statistical checks below see the same weighted, fault and mirror decisions on every run.
  stack = await startLocalStack({ overlay: '100-0', gateway: { random: seededRandom(20_240_611) } });
});

afterAll(async () => {
  await stack?.close();
});

async function useOverlay(overlay: string): Promise<Record<string, number>> {
  const response = await putMesh(stack.gatewayUrl, { overlay });
  expect(response.status).toBe(200);
  const state = (await response.json()) as { source: string; weights: Record<string, number> };
  expect(state.source).toBe(overlay);
  return state.weights;
}

const versions = (answers: Awaited<ReturnType<typeof sendMany>>) =>
  countBy(answers, (a) => `${a.status} ${a.version}`);

/** The chi-square goodness-of-fit test of the traffic CLI (@movies/mesh), at alpha 0.001. */
function expectSplit(observed: Record<string, number>, weights: Record<string, number>): void {
  const verdict = chiSquareGoodnessOfFit(observed, weights, 0.001);
  expect(
    verdict.pass,
    `${JSON.stringify(observed)} against ${JSON.stringify(weights)}: ${verdict.reason}`,
  ).toBe(true);
}

describe('split overlays', () => {
  it('100-0 sends every request to v1 and 0-100 every request to v2', async () => {
    expect(await useOverlay('100-0')).toEqual({ v1: 100, v2: 0 });
    expect(versions(await sendMany(stack.gatewayUrl, 200))).toEqual({ '200 v1': 200 });

    expect(await useOverlay('0-100')).toEqual({ v1: 0, v2: 100 });
    expect(versions(await sendMany(stack.gatewayUrl, 200))).toEqual({ '200 v2': 200 });
  });

  it.each(['80-20', '50-50'])(
    '%s passes a chi-square goodness-of-fit over 2000 requests (alpha 0.001)',
    async (overlay) => {
      const weights = await useOverlay(overlay);
      const answers = await sendMany(stack.gatewayUrl, 2000, { concurrency: 20 });
      expect(answers.filter((a) => a.status !== 200)).toEqual([]);
      expectSplit(
        countBy(answers, (a) => a.version),
        weights,
      );
    },
  );
});

describe('scenario overlays', () => {
  it('header-routing: premium requests all reach v2, the rest follow the weights', async () => {
    const weights = await useOverlay('header-routing');
    const premium = await sendMany(stack.gatewayUrl, 200, { headers: { 'x-user-type': 'premium' } });
    expect(versions(premium)).toEqual({ '200 v2': 200 });

    const others = await sendMany(stack.gatewayUrl, 2000, {
      concurrency: 20,
      headers: { 'x-user-type': 'basic' },
    });
    expect(others.filter((a) => a.status !== 200)).toEqual([]);
    expectSplit(
      countBy(others, (a) => a.version),
      weights,
    );
  });

  it('fault-injection: the configured shares are delayed by the fixed delay and aborted with the status', async () => {
    await useOverlay('fault-injection');
    const rule = stack.gateway.state().rules.find((r) => r.fault);
    const delay = rule?.fault?.delay;
    const abort = rule?.fault?.abort;
    if (!delay || !abort) throw new Error('the fault-injection overlay should set both a delay and an abort');
    const delayMs = Number.parseFloat(delay.fixedDelay) * (delay.fixedDelay.endsWith('ms') ? 1 : 1000);

    const n = 300;
    const answers = await sendMany(stack.gatewayUrl, n, { concurrency: 60 });
    const aborted = answers.filter((a) => a.status === abort.httpStatus && a.body === 'fault filter abort');
    const served = answers.filter((a) => a.status === 200 && (a.version === 'v1' || a.version === 'v2'));
    // Only aborts and real answers: nothing else may come back.
    expect(aborted.length + served.length).toBe(n);
    // A delayed request cannot be faster than the delay, so latency identifies them (timers never fire early).
    const delayed = answers.filter((a) => a.latencyMs >= delayMs - 5);
    expect(stack.gateway.state().stats).toMatchObject({ delayed: delayed.length, aborted: aborted.length });

    const delayBounds = binomialBounds(n, delay.percent / 100);
    const abortBounds = binomialBounds(n, abort.percent / 100);
    expect(delayed.length).toBeGreaterThanOrEqual(delayBounds.low);
    expect(delayed.length).toBeLessThanOrEqual(delayBounds.high);
    expect(aborted.length).toBeGreaterThanOrEqual(abortBounds.low);
    expect(aborted.length).toBeLessThanOrEqual(abortBounds.high);
  });

  it('mirroring: v1 answers every request while v2 receives a copy of each', async () => {
    await useOverlay('mirroring');
    const requestsSeenByV2 = async () => {
      const metrics = await (await fetch(`${stack.backends.v2.url}/metrics`)).text();
      // Requests to the backend's root route, which /api/ is rewritten to.
      return metrics
        .split('\n')
        .filter((line) => line.startsWith('http_requests_total{') && line.includes('route="/"'))
        .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
    };
    const before = await requestsSeenByV2();
    const n = 200;
    const answers = await sendMany(stack.gatewayUrl, n);
    expect(versions(answers)).toEqual({ '200 v1': n });
    await expect.poll(requestsSeenByV2, { timeout: 10_000 }).toBe(before + n);
    expect(stack.gateway.state().stats.mirrored).toBe(n);
  });
});
