/**
 * Reliability with the REAL backend: live switches under load lose nothing, visitors keep their version while it
 * has weight, and a stopped version yields the 503 Envoy would give. Nothing here measures the machine: the load
 * waits on answer counts, never on the clock.
 */
import { performance } from 'node:perf_hooks';
import { seededRandom } from '@movies/contracts/random';
import { waitFor } from '@movies/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../src/testing.js';
import { type Answer, countBy, putMesh, sendMany, type Visit, visit } from './helpers.js';

let stack: LocalStack | undefined;

afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

async function put(url: string, body: unknown): Promise<number> {
  const response = await putMesh(url, body);
  await response.text();
  return response.status;
}

const ended = (a: Answer) => a.startedAt + a.latencyMs;

describe('live switch', () => {
  it('shifts 100-0 → 80-20 → 50-50 → 0-100 under concurrent load and visitors without losing a request', async () => {
    stack = await startLocalStack({ overlay: '50-50', gateway: { random: seededRandom(11) } });
    const { gatewayUrl } = stack;
    const sequence = ['100-0', '80-20', '50-50', '0-100'];
    // Render each overlay once first, as `pnpm dev` does at start, so the load exercises switching, not kubectl.
    for (const overlay of sequence) expect(await put(gatewayUrl, { overlay })).toBe(200);
    expect(await put(gatewayUrl, { overlay: '50-50' })).toBe(200);

    let running = true;
    const plain: Answer[] = [];
    const load = sendMany(gatewayUrl, 0, {
      concurrency: 12,
      until: () => !running,
      onAnswer: (a) => plain.push(a),
    });
    // Visitors with their own cookie jars, five requests each, a new one as soon as one leaves.
    const visits: Visit[] = [];
    const visitors = Promise.all(
      Array.from({ length: 6 }, async () => {
        while (running) visits.push(await visit(gatewayUrl, 5));
      }),
    );
    const visitorAnswers = () => visits.flatMap((v) => v.answers);
    const startedAfter = (answers: Answer[], time: number) =>
      answers.filter((a) => a.startedAt > time).length;

    const switches: Array<{ overlay: string; sentAt: number; doneAt: number }> = [];
    let since = performance.now();
    const enoughSince = async (time: number, what: string) => {
      await waitFor(
        () => startedAfter(plain, time) >= 100 && startedAfter(visitorAnswers(), time) >= 40,
        `100 plain and 40 visitor answers ${what}`,
        { timeoutMs: 120_000, intervalMs: 20 },
      );
    };
    for (const overlay of sequence) {
      await enoughSince(since, `before switching to ${overlay}`);
      const sentAt = performance.now();
      expect(await put(gatewayUrl, { overlay })).toBe(200);
      since = performance.now();
      switches.push({ overlay, sentAt, doneAt: since });
    }
    await enoughSince(since, 'after the last switch');
    running = false;
    await Promise.all([load, visitors]);

    const all = [...plain, ...visitorAnswers()];
    const failures = all.filter((a) => a.status !== 200 || (a.version !== 'v1' && a.version !== 'v2'));
    expect(failures, `errors or unknown versions: ${JSON.stringify(failures.slice(0, 3))}`).toEqual([]);

    // Requests sent after a switch was acknowledged follow the new table; the pure splits show it exactly.
    const [allV1, toCanary, , allV2] = switches;
    if (!allV1 || !toCanary || !allV2) throw new Error('four switches expected');
    const onlyV1 = all.filter((a) => a.startedAt > allV1.doneAt && ended(a) < toCanary.sentAt);
    const onlyV2 = all.filter((a) => a.startedAt > allV2.doneAt);
    expect(onlyV1.length).toBeGreaterThan(0);
    expect(onlyV2.length).toBeGreaterThan(0);
    expect(countBy(onlyV1, (a) => a.version)).toEqual({ v1: onlyV1.length });
    expect(countBy(onlyV2, (a) => a.version)).toEqual({ v2: onlyV2.length });

    // While both weights are above 0 (the first 50-50, and from 80-20 until 0-100 is sent) no visitor switches.
    const bothWeighted = [
      { from: 0, to: allV1.sentAt },
      { from: toCanary.doneAt, to: allV2.sentAt },
    ];
    const steps = visits.flatMap((v) =>
      v.answers.slice(1).map((b, i) => [v.answers[i] as Answer, b] as const),
    );
    const inside = steps.filter(([a, b]) =>
      bothWeighted.some(({ from, to }) => a.startedAt > from && ended(b) < to),
    );
    expect(inside.length).toBeGreaterThan(0);
    const switched = inside.filter(([a, b]) => a.version !== b.version);
    expect(
      switched,
      `visitors who switched version mid-visit: ${JSON.stringify(switched.slice(0, 3))}`,
    ).toEqual([]);
  });
});

describe('a version that goes down', () => {
  it('answers 503 "no healthy upstream" for the share routed to a stopped v2, and recovers when it is back', async () => {
    stack = await startLocalStack({ overlay: '50-50', gateway: { random: seededRandom(5) } });
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
