/**
 * Cluster mode with a kubectl stand-in first on PATH: it records every call and answers fixture JSON for the
 * istio-ingressgateway Service, the nodes and the VirtualServices (the real 80-20 / 50-50 overlays, rendered by
 * @movies/mesh, dressed as the API server returns them). The "ingress" is a node:http server with no /__mesh.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOverlay } from '@movies/mesh';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeServer, sendJson, startFakeServer } from './support/fake-servers.js';
import { parseJson, parseTestReport, runCli } from './support/run-cli.js';

const standIn = `#!/usr/bin/env bash
set -o errexit -o nounset -o pipefail
printf '%s\\n' "$*" >> "\${FAKE_KUBECTL_DIR}/calls.log"
case "$*" in
  "config current-context") echo fake-cluster ;;
  "get svc istio-ingressgateway -n istio-system -o json") cat "\${FAKE_KUBECTL_DIR}/svc.json" ;;
  "get nodes -o json") cat "\${FAKE_KUBECTL_DIR}/nodes.json" ;;
  "get virtualservice -n "*" -o json") cat "\${FAKE_KUBECTL_DIR}/virtualservices.json" ;;
  *) echo "kubectl stand-in: unexpected call: $*" >&2; exit 1 ;;
esac
`;

let dir: string;
let ingress: FakeServer;

/** Dresses rendered manifests as `kubectl get -o json` returns them. */
async function virtualServiceList(overlay: string, namespace: string) {
  const { virtualServices } = await loadOverlay(overlay, { kubectl: false });
  return {
    apiVersion: 'v1',
    kind: 'List',
    items: virtualServices.map((vs, i) => ({
      ...vs,
      metadata: { ...vs.metadata, namespace, uid: `uid-${i}`, resourceVersion: '42', generation: 1 },
      status: {},
    })),
  };
}

function service(options: { ip?: string; hostname?: string; nodePort?: number }) {
  const ingressEntry =
    options.ip || options.hostname ? [{ ip: options.ip, hostname: options.hostname }] : undefined;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'istio-ingressgateway', namespace: 'istio-system' },
    spec: {
      type: ingressEntry ? 'LoadBalancer' : 'NodePort',
      ports: [
        { name: 'status-port', port: 15021, nodePort: 30021 },
        { name: 'http2', port: ingress.port, nodePort: options.nodePort ?? 31380 },
        { name: 'https', port: 443, nodePort: 31390 },
      ],
    },
    status: { loadBalancer: ingressEntry ? { ingress: ingressEntry } : {} },
  };
}

const nodes = {
  items: [
    {
      status: {
        addresses: [
          { type: 'Hostname', address: 'node-1' },
          { type: 'ExternalIP', address: '198.51.100.9' },
          { type: 'InternalIP', address: '127.0.0.1' },
        ],
      },
    },
  ],
};

function writeFixtures(svc: unknown, virtualServices: unknown) {
  writeFileSync(join(dir, 'svc.json'), JSON.stringify(svc));
  writeFileSync(join(dir, 'nodes.json'), JSON.stringify(nodes));
  writeFileSync(join(dir, 'virtualservices.json'), JSON.stringify(virtualServices));
  writeFileSync(join(dir, 'calls.log'), '');
}

const calls = () => readFileSync(join(dir, 'calls.log'), 'utf8').trim().split('\n').filter(Boolean);

const clusterEnv = (extra: Record<string, string> = {}) => ({
  PATH: `${dir}:${process.env.PATH}`,
  FAKE_KUBECTL_DIR: dir,
  ...extra,
});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'traffic-kubectl-'));
  writeFileSync(join(dir, 'kubectl'), standIn);
  chmodSync(join(dir, 'kubectl'), 0o755);
  // A cluster ingress: no /__mesh; answers exactly 80 % v1, 20 % v2, stating the version in the header.
  let apiRequests = 0;
  ingress = await startFakeServer((req, res) => {
    if (req.url === '/__mesh') return sendJson(res, 404, { error: 'not found' });
    const index = apiRequests++;
    sendJson(res, 200, { service: 'movie-backend' }, { 'x-backend-version': index % 5 === 4 ? 'v2' : 'v1' });
  });
});

afterAll(async () => {
  await ingress?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('traffic CLI in a cluster (kubectl stand-in)', () => {
  it('finds the ingress by LoadBalancer IP first and reads the weights from the VirtualService', async () => {
    writeFixtures(
      service({ ip: '127.0.0.1', hostname: 'unused.invalid' }),
      await virtualServiceList('80-20', 'movies'),
    );
    const result = await runCli(['test', '100', '--json'], { env: clusterEnv() });
    const report = parseTestReport(result);
    expect(result.code, result.stderr).toBe(0);
    expect(report).toMatchObject({
      target: `http://127.0.0.1:${ingress.port}`,
      mode: 'cluster',
      source: 'namespace movies',
      configured: { v1: 80, v2: 20 },
      counts: { v1: 80, v2: 20 },
    });
    expect(calls()).toEqual([
      'config current-context',
      'get svc istio-ingressgateway -n istio-system -o json',
      'get virtualservice -n movies -o json',
    ]);
  }, 60_000);

  it('compares with the cluster VirtualService, not with an assumption: 50-50 configured, 80/20 seen → exit 1', async () => {
    writeFixtures(service({ ip: '127.0.0.1' }), await virtualServiceList('50-50', 'demo'));
    const result = await runCli(['test', '200', '--json'], { env: clusterEnv({ NAMESPACE: 'demo' }) });
    const report = parseTestReport(result);
    expect(result.code).toBe(1);
    expect(report).toMatchObject({
      configured: { v1: 50, v2: 50 },
      verdict: 'split-mismatch',
      source: 'namespace demo',
    });
    expect(calls()).toContain('get virtualservice -n demo -o json');
  }, 60_000);

  it('falls back to the LoadBalancer hostname, then to a NodePort on a node InternalIP', async () => {
    writeFixtures(service({ hostname: 'localhost' }), await virtualServiceList('80-20', 'movies'));
    const byHostname = parseJson<{ target: string; targetFoundBy: string; mode: string }>(
      await runCli(['config', '--json'], { env: clusterEnv() }),
    );
    expect(byHostname).toMatchObject({
      target: `http://localhost:${ingress.port}`,
      targetFoundBy: 'istio-ingressgateway LoadBalancer hostname',
      mode: 'cluster',
    });

    writeFixtures(service({ nodePort: ingress.port }), await virtualServiceList('80-20', 'movies'));
    const byNodePort = await runCli(['config', '--json'], { env: clusterEnv() });
    expect(parseJson(byNodePort)).toMatchObject({
      target: `http://127.0.0.1:${ingress.port}`,
      targetFoundBy: 'istio-ingressgateway NodePort',
      weights: { v1: 80, v2: 20 },
    });
    expect(calls()).toEqual([
      'config current-context',
      'get svc istio-ingressgateway -n istio-system -o json',
      'get nodes -o json',
      'get virtualservice -n movies -o json',
    ]);
  }, 60_000);

  it('set refuses to act on a cluster and points at shift-traffic.sh (exit 64)', async () => {
    writeFixtures(service({ ip: '127.0.0.1' }), await virtualServiceList('80-20', 'movies'));
    const result = await runCli(['set', '50-50'], { env: clusterEnv() });
    expect(result.code).toBe(64);
    expect(result.stderr).toContain('scripts/shift-traffic.sh');
    expect(result.stderr).toContain('kubectl apply -k k8s/overlays/<name>');
    expect(ingress.requests.some((r) => r.method === 'PUT')).toBe(false);
  }, 60_000);

  it('GATEWAY_URL skips discovery; the namespace is still passed when reading VirtualServices', async () => {
    writeFixtures(service({ ip: '192.0.2.1' }), await virtualServiceList('80-20', 'movies'));
    const result = await runCli(['config'], {
      env: clusterEnv({ GATEWAY_URL: `127.0.0.1:${ingress.port}` }),
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/cluster, found by GATEWAY_URL\): namespace movies/);
    expect(result.stdout).toMatch(/movie-backend\s+weighted-split/);
    expect(calls()).toEqual(['get virtualservice -n movies -o json']);
  }, 60_000);
});
