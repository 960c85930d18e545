/**
 * The traffic CLI during a Flagger rollout (k8s/progressive-delivery). Flagger's VirtualService routes to the
 * Services it generates, movie-backend-primary and movie-backend-canary, not to subsets; the CLI must still compare
 * v1/v2 (counted from x-backend-version) with the configured weights, by reading which version each Service's pods
 * carry. The cluster is a kubectl stand-in answering with objects built from the real `kubectl kustomize` render of
 * the flagger variant, shaped as Flagger shapes them (fluxcd/flagger pkg/router/istio.go and pkg/canary: the
 * primary is a copy of the target whose `app` label becomes movie-backend-primary).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findKubectl, k8sDir, parseManifests } from '@movies/mesh';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeServer, sendJson, startFakeServer } from './support/fake-servers.js';
import { parseTestReport, runCli } from './support/run-cli.js';

const standIn = `#!/usr/bin/env bash
set -o errexit -o nounset -o pipefail
printf '%s\\n' "$*" >> "\${FAKE_KUBECTL_DIR}/calls.log"
case "$*" in
  "get virtualservice -n movies -o json") cat "\${FAKE_KUBECTL_DIR}/virtualservices.json" ;;
  "get services,deployments -n movies -o json") cat "\${FAKE_KUBECTL_DIR}/workloads.json" ;;
  *) echo "kubectl stand-in: unexpected call: $*" >&2; exit 1 ;;
esac
`;

type Obj = Record<string, unknown>;
interface Named {
  kind: string;
  metadata: { name: string; namespace?: string };
}
interface CanaryObj extends Named {
  spec: {
    service: { match: Obj[]; rewrite: Obj; gateways: string[]; hosts: string[] };
    analysis: { sessionAffinity: { cookieName: string } };
  };
}
interface DeploymentObj extends Named {
  spec: {
    selector: { matchLabels: Record<string, string> };
    template: { metadata: { labels: Record<string, string> } };
  };
}
let dir: string;
let ingress: FakeServer;
let objects: Named[];
/** Which version the ingress answers with for request n (set per test). */
let answer: (n: number) => string = () => 'v1';
/** Requests the ingress answered since the last cluster() or setAnswer(). */
let served = 0;
function setAnswer(next: (n: number) => string): void {
  answer = next;
  served = 0;
}

const list = (items: ReadonlyArray<Obj | Named>) => ({ apiVersion: 'v1', kind: 'List', items });
function named<T extends Named = Named>(kind: string, name: string): T {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`the flagger render has no ${kind} ${name}`);
  return found as T;
}

/** Flagger's movie-backend VirtualService at a step: a sticky rule for canary cookies, then the weighted rule. */
function flaggerVirtualService(primaryWeight: number, canaryWeight: number): Obj {
  const { service, analysis } = named<CanaryObj>('Canary', 'movie-backend').spec;
  const weighted = {
    match: service.match,
    rewrite: service.rewrite,
    route: [
      { destination: { host: 'movie-backend-primary' }, weight: primaryWeight },
      {
        destination: { host: 'movie-backend-canary' },
        weight: canaryWeight,
        headers: {
          response: {
            add: { 'Set-Cookie': `${analysis.sessionAffinity.cookieName}=kXbQzTrPnA; Max-Age=14400` },
          },
        },
      },
    ],
  };
  const sticky = {
    name: 'sticky-route',
    match: service.match.map((m) => ({
      ...m,
      headers: { cookie: { regex: `.*${analysis.sessionAffinity.cookieName}.*kXbQzTrPnA.*` } },
    })),
    rewrite: service.rewrite,
    route: [
      { destination: { host: 'movie-backend-primary' }, weight: 0 },
      { destination: { host: 'movie-backend-canary' }, weight: 100 },
    ],
  };
  return {
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'VirtualService',
    metadata: { name: 'movie-backend', namespace: 'movies' },
    spec: {
      gateways: service.gateways,
      hosts: ['movie-backend', ...service.hosts],
      http: [sticky, weighted],
    },
  };
}

/** The target at `canary`, its primary copy at `primary`, and the Services Flagger points at each. */
function workloads(primary: string, canary: string): Obj[] {
  const target = structuredClone(named<DeploymentObj>('Deployment', 'movie-backend'));
  target.spec.template.metadata.labels.version = canary;
  const copy = structuredClone(named<DeploymentObj>('Deployment', 'movie-backend'));
  copy.metadata.name = 'movie-backend-primary';
  copy.spec.selector.matchLabels.app = 'movie-backend-primary';
  copy.spec.template.metadata.labels = {
    ...copy.spec.template.metadata.labels,
    app: 'movie-backend-primary',
    version: primary,
  };
  const svc = (name: string, app: string) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'movies' },
    spec: { selector: { app }, ports: [{ name: 'http', port: 8000, targetPort: 8000 }] },
  });
  return [
    svc('movie-backend', 'movie-backend-primary'),
    svc('movie-backend-primary', 'movie-backend-primary'),
    svc('movie-backend-canary', 'movie-backend'),
    named('Service', 'movie-frontend'),
    target,
    copy,
    named('Deployment', 'movie-frontend'),
  ] as unknown as Obj[];
}

function cluster(vs: Obj, items: Obj[]) {
  writeFileSync(
    join(dir, 'virtualservices.json'),
    JSON.stringify(list([vs, named('VirtualService', 'movie-frontend')])),
  );
  writeFileSync(join(dir, 'workloads.json'), JSON.stringify(list(items)));
  writeFileSync(join(dir, 'calls.log'), '');
}

const env = () => ({
  PATH: `${dir}:${process.env.PATH}`,
  FAKE_KUBECTL_DIR: dir,
  GATEWAY_URL: `127.0.0.1:${ingress.port}`,
});
const calls = () => readFileSync(join(dir, 'calls.log'), 'utf8').trim().split('\n').filter(Boolean);

beforeAll(async () => {
  const kubectl = findKubectl();
  if (!kubectl) throw new Error('kubectl is not on the PATH: it renders k8s/progressive-delivery/flagger');
  objects = parseManifests(
    execFileSync(kubectl, ['kustomize', join(k8sDir, 'progressive-delivery', 'flagger')], {
      encoding: 'utf8',
    }),
  ) as unknown as Named[];
  dir = mkdtempSync(join(tmpdir(), 'traffic-flagger-'));
  writeFileSync(join(dir, 'kubectl'), standIn);
  chmodSync(join(dir, 'kubectl'), 0o755);
  ingress = await startFakeServer((req, res) => {
    if (req.url === '/__mesh') return sendJson(res, 404, { error: 'not found' });
    sendJson(res, 200, { service: 'movie-backend' }, { 'x-backend-version': answer(served++) });
  });
}, 60_000);

afterAll(async () => {
  await ingress?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('traffic CLI during a Flagger rollout', () => {
  it('at the 20 % step: primary v1 80, canary v2 20 → configured v1 80 / v2 20, and the split passes', async () => {
    cluster(flaggerVirtualService(80, 20), workloads('v1', 'v2'));
    setAnswer((n) => (n % 5 === 4 ? 'v2' : 'v1'));
    const result = await runCli(['test', '200', '--json'], { env: env() });
    const report = parseTestReport(result);
    expect(result.code, result.stderr).toBe(0);
    expect(report).toMatchObject({
      mode: 'cluster',
      configured: { v1: 80, v2: 20 },
      counts: { v1: 160, v2: 40 },
    });
    expect(calls()).toEqual([
      'get virtualservice -n movies -o json',
      'get services,deployments -n movies -o json',
    ]);
  }, 60_000);

  it('after the promotion both Services serve v2: configured v2 100, and a v1 answer fails the test', async () => {
    cluster(flaggerVirtualService(100, 0), workloads('v2', 'v2'));
    setAnswer(() => 'v2');
    const promoted = await runCli(['test', '50', '--json'], { env: env() });
    expect(promoted.code, promoted.stderr).toBe(0);
    expect(parseTestReport(promoted).configured).toEqual({ v2: 100 });

    setAnswer((n) => (n === 7 ? 'v1' : 'v2'));
    const stale = await runCli(['test', '50', '--json'], { env: env() });
    expect(stale.code).toBe(1);
  }, 60_000);

  it('the monitor, through scripts/test-traffic.sh, shows v1 and v2 against Flagger weights', async () => {
    cluster(flaggerVirtualService(90, 10), workloads('v1', 'v2'));
    setAnswer((n) => (n % 10 === 9 ? 'v2' : 'v1'));
    const result = await runCli(['monitor', '--duration', '2', '--rate', '20'], {
      env: env(),
      viaScript: true,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('(configured 90 %)');
    expect(result.stdout).toContain('(configured 10 %)');
    expect(result.stdout).not.toContain('movie-backend-primary');
  }, 60_000);
});
