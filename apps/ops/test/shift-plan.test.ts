import { describe, expect, it } from 'vitest';
import { describeSplit, planShift, ShiftPlanError } from '../src/shift-plan.js';
import { renderedObjects } from './support/harness.js';

async function liveVirtualService(overlay: string) {
  const objects = await renderedObjects(overlay);
  const vs = objects.find((o) => o.kind === 'VirtualService' && o.metadata.name === 'movie-backend');
  // What `kubectl get -o json` adds to the applied object; the plan must not trip over it.
  return {
    ...vs,
    metadata: { ...vs?.metadata, resourceVersion: '4711', generation: 3 },
    status: {},
  } as unknown as {
    spec: { http: Array<{ name?: string; match?: unknown; route: Array<Record<string, unknown>> }> };
  };
}

describe('planShift', () => {
  it('targets the rule plain /api/ traffic takes: rule 3 under header routing, after the pins, guarded by its name', async () => {
    const plan = planShift(await liveVirtualService('header-routing'), { v1: 70, v2: 30 });
    expect(plan.ruleIndex).toBe(3);
    expect(plan.before).toEqual({ v1: 80, v2: 20 });
    expect(plan.patch[0]).toEqual({ op: 'test', path: '/spec/http/3/name', value: 'weighted-split' });
  });

  it('moves the weighted rule’s index with the pin rules it removes or adds', async () => {
    const rollback = planShift(await liveVirtualService('header-routing'), { v1: 100, v2: 0 });
    expect(rollback.ruleIndex).toBe(2);
    expect(rollback.patch.slice(0, 2).map((op) => [op.op, op.path])).toEqual([
      ['test', '/spec/http/2'],
      ['remove', '/spec/http/2'],
    ]);
    const back = planShift(await liveVirtualService('0-100'), { v1: 50, v2: 50 });
    expect(back.ruleIndex).toBe(2);
    expect(back.patch.slice(0, 2)).toMatchObject([
      { op: 'test', path: '/spec/http/0/name', value: 'pin-v2' },
      { op: 'add', path: '/spec/http/0', value: { name: 'pin-v1' } },
    ]);
  });

  it('adds a weight to a destination written without one', async () => {
    const vs = await liveVirtualService('80-20');
    delete vs.spec.http[2]?.route[1]?.weight;
    const plan = planShift(vs, { v1: 60, v2: 40 });
    expect(plan.patch).toContainEqual({ op: 'add', path: '/spec/http/2/route/1/weight', value: 40 });
  });

  it('refuses a rule that does not route to both subsets, naming what it routes to', async () => {
    const vs = await liveVirtualService('80-20');
    vs.spec.http[2]?.route.splice(1, 1);
    expect(() => planShift(vs, { v1: 90, v2: 10 })).toThrow(ShiftPlanError);
    expect(() => planShift(vs, { v1: 90, v2: 10 })).toThrow(
      /has no destination with subset v2 \(it routes to: v1\)/,
    );
  });

  it('refuses weights that do not sum to 100 and objects that are not VirtualServices', async () => {
    const vs = await liveVirtualService('80-20');
    expect(() => planShift(vs, { v1: 90, v2: 20 })).toThrow(/sum to 100/);
    expect(() => planShift({ kind: 'Service' }, { v1: 90, v2: 10 })).toThrow(
      /VirtualService \(unnamed\) is not supported/,
    );
  });

  it('describes the split of the live object', async () => {
    expect(describeSplit(await liveVirtualService('mirroring'))).toBe(
      'movie-backend (rule weighted-split): v1 100 %, v2 0 %',
    );
  });
});
