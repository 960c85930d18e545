import { describe, expect, it } from 'vitest';
import {
  command,
  deployedCluster,
  istioCrds,
  passesNamespace,
  repoRoot,
  runScript,
  type StandIn,
} from './support/harness.js';
import { standInsPerTest } from './support/stand-ins.js';

const newStandIn = standInsPerTest();

const annotationsOf = (s: StandIn, name = 'movies') =>
  s.object('Namespace', name)?.metadata.annotations ?? {};

describe('deploy.sh apply', () => {
  it('checks prerequisites, applies the overlay, records it on the namespace it created, and prints the split', async () => {
    const standIn = newStandIn({ crds: [...istioCrds] });
    const result = await runScript('deploy.sh', ['apply', '80-20'], { env: standIn.env });

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe('movie-backend (rule weighted-split): v1 80 %, v2 20 %');
    expect(result.stderr).toContain('✓ context kind-movies is reachable');
    expect(result.stderr).toContain('✓ namespace movies has sidecar injection (istio-injection=enabled)');
    const calls = standIn.calls();
    expect(calls.map(command)).toEqual([
      'config current-context',
      'get --raw /version',
      'get crd virtualservices.networking.istio.io -o name',
      'get crd destinationrules.networking.istio.io -o name',
      'get crd gateways.networking.istio.io -o name',
      'get namespace movies -o name',
      `apply -k ${repoRoot}/k8s/overlays/80-20`,
      'annotate namespace movies traffic-shifting.demo/overlay=80-20 traffic-shifting.demo/created-by=deploy.sh --overwrite',
      'get namespace movies -o jsonpath={.metadata.labels.istio-injection}',
      'get namespace movies -o jsonpath={.metadata.labels.istio\\.io/rev}',
      'get virtualservice movie-backend -o json',
    ]);
    for (const call of calls) expect(passesNamespace(call, 'movies'), command(call)).toBe(true);
    expect(standIn.object('Deployment', 'movie-backend-v2')?.metadata.namespace).toBe('movies');
    expect(annotationsOf(standIn)).toEqual({
      'traffic-shifting.demo/overlay': '80-20',
      'traffic-shifting.demo/created-by': 'deploy.sh',
    });
  });

  it('is safe to run twice: the second apply changes nothing and keeps the created-by record', async () => {
    const standIn = newStandIn({ crds: [...istioCrds] });
    await runScript('deploy.sh', ['apply', '80-20'], { env: standIn.env });
    const objectsAfterFirst = standIn.state().objects;
    const second = await runScript('deploy.sh', ['80-20'], { env: standIn.env });

    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain('virtualservice.networking.istio.io/movie-backend unchanged');
    expect(second.stderr).not.toMatch(/ created$/m);
    expect(standIn.state().objects).toEqual(objectsAfterFirst);
    expect(annotationsOf(standIn)['traffic-shifting.demo/created-by']).toBe('deploy.sh');
  });

  it.each([
    [{ context: null }, 78, 'kubectl has no current context', 'kubectl config use-context'],
    [
      { reachable: false },
      69,
      "the API server of context 'kind-movies' does not answer",
      'kubectl cluster-info',
    ],
    [
      { crds: ['gateways.networking.istio.io'] },
      69,
      'missing CRDs for overlay 80-20: virtualservices.networking.istio.io destinationrules.networking.istio.io',
      'istioctl install',
    ],
  ])('stops before any change when a prerequisite is missing (%j)', async (cluster, code, missing, fix) => {
    const standIn = newStandIn({ crds: [...istioCrds], ...cluster });
    const result = await runScript('deploy.sh', ['apply', '80-20'], { env: standIn.env });

    expect(result.code).toBe(code);
    expect(result.stderr).toContain(missing);
    expect(result.stderr).toContain(fix);
    expect(standIn.mutations()).toEqual([]);
  });

  it('names the Gateway API CRDs the gateway-api overlay needs', async () => {
    const standIn = newStandIn({ crds: [...istioCrds] });
    const result = await runScript('deploy.sh', ['gateway-api'], { env: standIn.env });

    expect(result.code).toBe(69);
    expect(result.stderr).toContain(
      'missing CRDs for overlay gateway-api: gateways.gateway.networking.k8s.io httproutes.gateway.networking.k8s.io',
    );
    expect(result.stderr).toContain('gateway-api/releases');
    expect(standIn.mutations()).toEqual([]);
  });

  it('reports a namespace left without the sidecar injection label, with the commands that fix it', async () => {
    // A mutating admission policy that strips the label stands in for anything that removes it after the apply.
    const standIn = newStandIn({ crds: [...istioCrds], admissionDropsLabels: ['istio-injection'] } as never);
    const result = await runScript('deploy.sh', ['apply', '100-0'], { env: standIn.env });

    expect(result.code).toBe(78);
    expect(result.stderr).toContain(
      'namespace movies has no sidecar injection label (istio-injection=<unset>)',
    );
    expect(result.stderr).toContain('kubectl label namespace movies istio-injection=enabled --overwrite');
  });

  it('rejects an unknown overlay before calling kubectl, listing the ones that exist', async () => {
    const standIn = newStandIn({ crds: [...istioCrds] });
    const result = await runScript('deploy.sh', ['apply', '90-10'], { env: standIn.env });

    expect(result.code).toBe(64);
    expect(result.stderr).toContain(
      "unknown overlay '90-10' (available: 0-100 100-0 50-50 80-20 fault-injection",
    );
    expect(standIn.calls()).toEqual([]);
  });

  it('moves every object to NAMESPACE when it is not movies', async () => {
    const standIn = newStandIn({ crds: [...istioCrds] });
    const result = await runScript('deploy.sh', ['apply', '50-50'], {
      env: { ...standIn.env, NAMESPACE: 'shop' },
    });

    expect(result.code, result.stderr).toBe(0);
    const calls = standIn.calls();
    // `kubectl kustomize` renders files locally (the ops helper moves its output to shop); every call that
    // talks to the cluster is scoped to shop.
    for (const call of calls.filter((c) => c.argv[0] !== 'kustomize')) {
      expect(passesNamespace(call, 'shop'), command(call)).toBe(true);
    }
    const apply = calls.find((call) => call.argv.includes('apply'));
    expect(command(apply as never)).toBe('apply -f -');
    expect(apply?.stdin).toContain('namespace: shop');
    expect(apply?.stdin).not.toContain('namespace: movies');
    expect(standIn.object('Namespace', 'shop')).toBeDefined();
    expect(standIn.object('VirtualService', 'movie-backend')?.metadata.namespace).toBe('shop');
    expect(result.stdout.trim()).toBe('movie-backend (rule weighted-split): v1 50 %, v2 50 %');
  });

  it('removes what the previous overlay added when switching (mtls-strict → 80-20)', async () => {
    const standIn = newStandIn(await deployedCluster('mtls-strict'));
    expect(standIn.object('PeerAuthentication', 'default')).toBeDefined();
    const result = await runScript('deploy.sh', ['apply', '80-20'], { env: standIn.env });

    expect(result.code, result.stderr).toBe(0);
    const prune = standIn.calls().find((call) => command(call) === 'delete -f - --ignore-not-found');
    expect(prune?.stdin).toContain('kind: PeerAuthentication');
    expect(prune?.stdin).not.toContain('kind: Deployment');
    expect(standIn.object('PeerAuthentication', 'default')).toBeUndefined();
    expect(standIn.object('AuthorizationPolicy', 'movie-backend')).toBeUndefined();
    expect(standIn.object('Deployment', 'movie-backend-v1')).toBeDefined();
    expect(annotationsOf(standIn)['traffic-shifting.demo/overlay']).toBe('80-20');
  });
});

describe('deploy.sh commands', () => {
  it('deploy applies 100-0 and, with TMDB_API_KEY set, creates the secret', async () => {
    const standIn = newStandIn({ crds: [...istioCrds] });
    const result = await runScript('deploy.sh', ['deploy'], {
      env: { ...standIn.env, TMDB_API_KEY: 'key-123' },
    });

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe('movie-backend (rule weighted-split): v1 100 %, v2 0 %');
    expect(standIn.mutations().map(command)).toEqual([
      `apply -k ${repoRoot}/k8s/overlays/100-0`,
      'annotate namespace movies traffic-shifting.demo/overlay=100-0 traffic-shifting.demo/created-by=deploy.sh --overwrite',
      'apply -f -',
    ]);
    expect(standIn.object('Secret', 'tmdb-api-key')).toBeDefined();
  });

  it('weights V1 V2 shifts the live split through shift-traffic.sh', async () => {
    const standIn = newStandIn(await deployedCluster('80-20'));
    const result = await runScript('deploy.sh', ['weights', '95', '5'], { env: standIn.env });

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe('movie-backend (rule weighted-split): v1 95 %, v2 5 %');
    expect(standIn.mutations().map(command)).toEqual([
      expect.stringMatching(/^patch virtualservice movie-backend --type=json -p \[\{"op":"test"/),
    ]);
  });

  it('status lists the workloads and Istio objects and the current split', async () => {
    const standIn = newStandIn(await deployedCluster('header-routing'));
    const result = await runScript('deploy.sh', ['status'], { env: standIn.env });

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('namespace movies, overlay: header-routing');
    expect(result.stdout).toContain('deployment/movie-backend-v2');
    expect(result.stdout).toContain('virtualservice/movie-backend');
    expect(result.stdout).toContain('movie-backend (rule weighted-split): v1 80 %, v2 20 %');
    expect(standIn.mutations()).toEqual([]);
  });

  it('without a command and without a terminal prints usage and exits 64 instead of waiting for input', async () => {
    const standIn = newStandIn({ crds: [...istioCrds] });
    const result = await runScript('deploy.sh', [], { env: standIn.env, input: '3\n0\n' });

    expect(result.code).toBe(64);
    expect(result.stderr).toContain('Usage: deploy.sh [COMMAND [ARGS]]');
    expect(result.stderr).toContain('stdin is not a terminal');
    expect(standIn.calls()).toEqual([]);
  });

  it('rejects an unknown command', async () => {
    const result = await runScript('deploy.sh', ['deploy-everything']);
    expect(result.code).toBe(64);
    expect(result.stderr).toContain("unknown command 'deploy-everything'");
  });
});
