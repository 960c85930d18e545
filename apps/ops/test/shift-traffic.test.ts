import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  command,
  deployedCluster,
  type KubeObject,
  passesNamespace,
  renderedObjects,
  runScript,
  type StandIn,
} from './support/harness.js';
import { standInsPerTest } from './support/stand-ins.js';

interface Route {
  destination: { subset: string };
  weight?: number;
}
interface Rule {
  name?: string;
  route: Route[];
}

function rules(standIn: StandIn): Rule[] {
  const vs = standIn.object('VirtualService', 'movie-backend') as KubeObject & { spec: { http: Rule[] } };
  return vs.spec.http;
}

function weights(rule: Rule | undefined): Record<string, number | undefined> {
  return Object.fromEntries((rule?.route ?? []).map((r) => [r.destination.subset, r.weight]));
}

const weighted = (standIn: StandIn) => rules(standIn).find((rule) => rule.name === 'weighted-split');
const names = (standIn: StandIn) => rules(standIn).map((rule) => rule.name);

/** The movie-backend rules a fresh `kubectl apply -k k8s/overlays/<overlay>` would leave. */
async function renderedRules(overlay: string): Promise<Rule[]> {
  const vs = (await renderedObjects(overlay)).find(
    (o) => o.kind === 'VirtualService' && o.metadata.name === 'movie-backend',
  ) as KubeObject & { spec: { http: Rule[] } };
  return vs.spec.http;
}

function patchOf(standIn: StandIn, call = 1): Array<{ op: string; path: string; value?: unknown }> {
  return JSON.parse(standIn.calls()[call]?.argv.at(-1) as string);
}

const newStandIn = standInsPerTest();

describe('shift-traffic.sh', () => {
  it('patches the 80-20 split to 95-5 with test ops guarding each replaced destination, then prints it', async () => {
    const standIn = newStandIn(await deployedCluster('80-20'));
    const result = await runScript('shift-traffic.sh', ['95', '5'], { env: standIn.env });

    expect(result.stderr).toContain('patching virtualservice/movie-backend in movies: v1 95 %, v2 5 %');
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe('movie-backend (rule weighted-split): v1 95 %, v2 5 %');
    const calls = standIn.calls();
    expect(calls.map(command)).toEqual([
      'get virtualservice movie-backend -o json',
      expect.stringMatching(/^patch virtualservice movie-backend --type=json -p /),
      'get virtualservice movie-backend -o json',
    ]);
    for (const call of calls) expect(passesNamespace(call, 'movies')).toBe(true);
    // Both versions keep weight, so both sticky pin rules (http 0 and 1) stay; only the weighted rule changes.
    expect(patchOf(standIn)).toEqual([
      { op: 'test', path: '/spec/http/2/name', value: 'weighted-split' },
      { op: 'test', path: '/spec/http/2/route/0/destination/subset', value: 'v1' },
      { op: 'replace', path: '/spec/http/2/route/0/weight', value: 95 },
      { op: 'test', path: '/spec/http/2/route/1/destination/subset', value: 'v2' },
      { op: 'replace', path: '/spec/http/2/route/1/weight', value: 5 },
    ]);
    expect(names(standIn)).toEqual(['pin-v1', 'pin-v2', 'weighted-split']);
    expect(weights(weighted(standIn))).toEqual({ v1: 95, v2: 5 });
  });

  it('drops the pin rule of a version going to 0 (rollback), with a test of the live rule guarding it', async () => {
    const standIn = newStandIn(await deployedCluster('80-20'));
    const live = rules(standIn);
    const result = await runScript('shift-traffic.sh', ['100', '0'], { env: standIn.env });

    expect(result.code, result.stderr).toBe(0);
    expect(patchOf(standIn)).toEqual([
      { op: 'test', path: '/spec/http/1', value: live[1] },
      { op: 'remove', path: '/spec/http/1' },
      { op: 'test', path: '/spec/http/1/name', value: 'weighted-split' },
      { op: 'test', path: '/spec/http/1/route/0/destination/subset', value: 'v1' },
      { op: 'replace', path: '/spec/http/1/route/0/weight', value: 100 },
      { op: 'test', path: '/spec/http/1/route/1/destination/subset', value: 'v2' },
      { op: 'replace', path: '/spec/http/1/route/1/weight', value: 0 },
    ]);
    // Exactly what applying the 100-0 overlay would leave.
    expect(rules(standIn)).toEqual(await renderedRules('100-0'));
  });

  it('gives a version coming back its pin rule again, inserted before the weighted rule', async () => {
    const standIn = newStandIn(await deployedCluster('100-0'));
    const result = await runScript('shift-traffic.sh', ['50', '50'], { env: standIn.env });

    expect(result.code, result.stderr).toBe(0);
    const patch = patchOf(standIn);
    expect(patch.slice(0, 2)).toEqual([
      { op: 'test', path: '/spec/http/1/name', value: 'weighted-split' },
      { op: 'add', path: '/spec/http/1', value: (await renderedRules('50-50'))[1] },
    ]);
    expect(patch.slice(2).every((op) => op.path.startsWith('/spec/http/2/'))).toBe(true);
    expect(rules(standIn)).toEqual(await renderedRules('50-50'));
  });

  it('promotes 80-20 to 0-100 by dropping v1’s pin, and the pins come back with the split', async () => {
    const standIn = newStandIn(await deployedCluster('80-20'));
    expect((await runScript('shift-traffic.sh', ['0', '100'], { env: standIn.env })).code).toBe(0);
    expect(rules(standIn)).toEqual(await renderedRules('0-100'));
    expect((await runScript('shift-traffic.sh', ['80', '20'], { env: standIn.env })).code).toBe(0);
    expect(rules(standIn)).toEqual(await renderedRules('80-20'));
  });

  it('leaves everything as it was when a pin rule was edited after being read', async () => {
    const cluster = await deployedCluster('80-20');
    const standIn = newStandIn({
      ...cluster,
      // Someone edits the v2 pin between our read and our patch: the test of the live rule must reject the patch.
      raceAfterGet: {
        'VirtualService/movie-backend': [
          { op: 'replace', path: '/spec/http/1/name', value: 'pin-v2-edited' },
        ],
      },
    } as never);
    const result = await runScript('shift-traffic.sh', ['100', '0'], { env: standIn.env });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('testing value /spec/http/1 failed');
    expect(names(standIn)).toEqual(['pin-v1', 'pin-v2-edited', 'weighted-split']);
    expect(weights(weighted(standIn))).toEqual({ v1: 80, v2: 20 });
  });

  it('changes only the default split under header routing; the premium rule keeps v2', async () => {
    const standIn = newStandIn(await deployedCluster('header-routing'));
    const result = await runScript('shift-traffic.sh', ['50', '50'], { env: standIn.env });

    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe('movie-backend (rule weighted-split): v1 50 %, v2 50 %');
    expect(patchOf(standIn).every((op) => op.path.startsWith('/spec/http/3/'))).toBe(true);
    const [premium] = rules(standIn);
    expect(premium?.name).toBe('premium-users');
    expect(weights(premium)).toEqual({ v2: 100 });
    expect(names(standIn)).toEqual(['premium-users', 'pin-v1', 'pin-v2', 'weighted-split']);
    expect(weights(weighted(standIn))).toEqual({ v1: 50, v2: 50 });
  });

  it.each([
    [['95', '6'], 'weights must sum to 100, got 101 (95 + 6)'],
    [['101', '-1'], 'weight for v1 must be a whole number from 0 to 100, got "101"'],
    [['abc', '100'], 'weight for v1 must be a whole number from 0 to 100, got "abc"'],
    [['1.5', '98.5'], 'weight for v1 must be a whole number from 0 to 100, got "1.5"'],
    [['50', '-50'], 'weight for v2 must be a whole number from 0 to 100, got "-50"'],
    [['50'], 'expected two weights (V1 V2), got 1: 50'],
    [['50', '50', '0'], 'expected two weights (V1 V2), got 3'],
    [[], 'expected two weights (V1 V2), got 0'],
  ])('rejects %j with exit 64 and calls kubectl not at all', async (args, message) => {
    const standIn = newStandIn(await deployedCluster('80-20'));
    const result = await runScript('shift-traffic.sh', args, { env: standIn.env });

    expect(result.code).toBe(64);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe('');
    expect(standIn.calls()).toEqual([]);
    expect(weights(weighted(standIn))).toEqual({ v1: 80, v2: 20 });
  });

  it('leaves the VirtualService unchanged when its routes were reordered after being read', async () => {
    const cluster = await deployedCluster('80-20');
    const standIn = newStandIn({
      ...cluster,
      // Someone swaps v1 and v2 between our read and our patch: the guarding test op must reject the patch.
      raceAfterGet: {
        'VirtualService/movie-backend': [
          { op: 'move', from: '/spec/http/2/route/1', path: '/spec/http/2/route/0' },
        ],
      },
    } as never);
    const before = weights(weighted(standIn));
    const result = await runScript('shift-traffic.sh', ['95', '5'], { env: standIn.env });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('the API server rejected the patch');
    expect(result.stderr).toContain('testing value /spec/http/2/route/0/destination/subset failed');
    expect(standIn.calls().map(command)).toEqual([
      'get virtualservice movie-backend -o json',
      expect.stringMatching(/^patch virtualservice movie-backend --type=json/),
    ]);
    expect(weights(weighted(standIn))).toEqual(before);
  });

  it('honours NAMESPACE and KUBECTL (not the kubectl on PATH) and says how to deploy when nothing is there', async () => {
    const standIn = newStandIn(await deployedCluster('80-20'));
    const kubectl = join(standIn.env.PATH?.split(':')[0] as string, 'kubectl');
    const result = await runScript('shift-traffic.sh', ['90', '10'], {
      env: { ...standIn.env, PATH: process.env.PATH, NAMESPACE: 'shop', KUBECTL: kubectl },
    });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('virtualservices.networking.istio.io "movie-backend" not found');
    expect(result.stderr).toContain('cannot read VirtualService movie-backend in namespace shop');
    expect(result.stderr).toContain('scripts/deploy.sh apply 100-0');
    expect(standIn.calls().map((call) => call.argv.slice(0, 2))).toEqual([['-n', 'shop']]);
    expect(standIn.mutations()).toEqual([]);
  });

  it('is safe to run twice: the second run only re-states the weights and ends in the same state', async () => {
    const standIn = newStandIn(await deployedCluster('80-20'));
    const first = await runScript('shift-traffic.sh', ['0', '100'], { env: standIn.env });
    const after = rules(standIn);
    const second = await runScript('shift-traffic.sh', ['0', '100'], { env: standIn.env });

    expect([first.code, second.code]).toEqual([0, 0]);
    expect(second.stdout).toBe(first.stdout);
    const patches = standIn
      .mutations()
      .map((call) => JSON.parse(call.argv.at(-1) as string) as Array<{ op: string }>);
    expect(patches).toHaveLength(2);
    // The first run also removed v1's pin rule; nothing is left to remove the second time.
    expect(patches[0]?.slice(0, 2).map((op) => op.op)).toEqual(['test', 'remove']);
    expect(patches[1]).toEqual(patches[0]?.slice(2));
    expect(rules(standIn)).toEqual(after);
    expect(weights(weighted(standIn))).toEqual({ v1: 0, v2: 100 });
  });
});
