/**
 * Reliability with the REAL backend: live switches under load lose nothing, and a stopped version yields the
 * 503 Envoy would give.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../src/testing.js';
import { type Answer, countBy, sendMany } from './helpers.js';

let stack: LocalStack | undefined;

afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

async function put(url: string, body: unknown): Promise<number> {
  const response = await fetch(`${url}/__mesh`, { method: 'PUT', body: JSON.stringify(body) });
  await response.text();
  return response.status;
}

describe('live switch', () => {
  it('shifts 100-0 → 80-20 → 50-50 → 0-100 under a load of ≥ 200 req/s without losing a request', async () => {
    stack = await startLocalStack({ overlay: '50-50' });
    const { gatewayUrl } = stack;
    const sequence = ['100-0', '80-20', '50-50', '0-100'];
    // Render each overlay once first, as `pnpm dev` does at start, so the load measures switching, not kubectl.
    for (const overlay of sequence) expect(await put(gatewayUrl, { overlay })).toBe(200);
    expect(await put(gatewayUrl, { overlay: '50-50' })).toBe(200);
    let loadRunning = true;
    const loadStarted = performance.now();
    const load = sendMany(gatewayUrl, 0, { concurrency: 24, until: () => !loadRunning });

    const switches: Array<{ overlay: string; sentAt: number; doneAt: number }> = [];
    for (const overlay of sequence) {
      await sleep(overlay === '100-0' ? 300 : 1000);
      const sentAt = performance.now();
      expect(await put(gatewayUrl, { overlay })).toBe(200);
      switches.push({ overlay, sentAt, doneAt: performance.now() });
    }
    await sleep(1000);
    loadRunning = false;
    const answers = await load;
    const seconds = (performance.now() - loadStarted) / 1000;

    const failures = answers.filter((a) => a.status !== 200 || (a.version !== 'v1' && a.version !== 'v2'));
    expect(failures, `errors or unknown versions: ${JSON.stringify(failures.slice(0, 3))}`).toEqual([]);
    expect(answers.length / seconds).toBeGreaterThanOrEqual(200);

    // Requests sent after a switch was acknowledged follow the new table; the pure splits show it exactly.
    const between = (from: number, to: number): Answer[] =>
      answers.filter((a) => a.startedAt > from && a.startedAt + a.latencyMs < to);
    const [allV1, toCanary, , allV2] = switches;
    if (!allV1 || !toCanary || !allV2) throw new Error('four switches expected');
    const onlyV1 = between(allV1.doneAt, toCanary.sentAt);
    const onlyV2 = answers.filter((a) => a.startedAt > allV2.doneAt);
    expect(onlyV1.length).toBeGreaterThan(0);
    expect(onlyV2.length).toBeGreaterThan(0);
    expect(countBy(onlyV1, (a) => a.version)).toEqual({ v1: onlyV1.length });
    expect(countBy(onlyV2, (a) => a.version)).toEqual({ v2: onlyV2.length });
  });
});

describe('a version that goes down', () => {
  it('answers 503 "no healthy upstream" for the share routed to a stopped v2, and recovers when it is back', async () => {
    stack = await startLocalStack({ overlay: '50-50' });
    const { gatewayUrl, backends } = stack;
    await backends.v2.stop();

    const down = await sendMany(gatewayUrl, 200, { concurrency: 8 });
    const byOutcome = countBy(down, (a) => `${a.status} ${a.status === 503 ? a.body : a.version}`);
    expect(Object.keys(byOutcome).sort()).toEqual(['200 v1', '503 no healthy upstream']);
    expect(byOutcome['503 no healthy upstream']).toBeGreaterThan(50);

    await backends.v2.start();
    const up = await sendMany(gatewayUrl, 100, { concurrency: 8 });
    expect(up.filter((a) => a.status !== 200)).toEqual([]);
    expect(new Set(up.map((a) => a.version))).toEqual(new Set(['v1', 'v2']));
  });

  it('keeps answering when the stopped version has no weight', async () => {
    stack = await startLocalStack({ overlay: '100-0', versions: ['v1'] });
    const answers = await sendMany(stack.gatewayUrl, 100, { concurrency: 8 });
    expect(countBy(answers, (a) => `${a.status} ${a.version}`)).toEqual({ '200 v1': 100 });
    expect(await put(stack.gatewayUrl, { weights: { v1: 95, v2: 5 } })).toBe(200);
    expect(stack.gateway.state()).toMatchObject({
      source: 'custom',
      overlay: '100-0',
      weights: { v1: 95, v2: 5 },
    });
  });
});
