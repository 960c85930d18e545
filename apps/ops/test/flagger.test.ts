/**
 * `deploy.sh flagger` and the Flagger part of `cleanup.sh`, run as real processes against the recording kubectl
 * stand-in. The stand-in renders the variants with the real `kubectl kustomize`; Flagger's remote kustomization
 * (which needs the network) is modelled by what it installs, and Flagger's progress by the phase it reports.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findKubectl, parseManifests } from '@movies/mesh';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  type ClusterState,
  command,
  deployedCluster,
  istioCrds,
  type KubeObject,
  passesNamespace,
  repoRoot,
  runScript,
  type StandIn,
} from './support/harness.js';
import { loadPipeline } from './support/pipelines.js';
import { parseCommands } from './support/shell-words.js';
import { standInsPerTest } from './support/stand-ins.js';

const newStandIn = standInsPerTest();

const version = (
  parse(readFileSync(join(repoRoot, 'k8s', 'versions.yaml'), 'utf8')) as { flagger: { version: string } }
).flagger.version;
const flaggerKustomization = `github.com/fluxcd/flagger//kustomize/istio?ref=${version}`;
const flaggerCrds = ['alertproviders.flagger.app', 'canaries.flagger.app', 'metrictemplates.flagger.app'];

const inIstioSystem = (kind: string, name: string, apiVersion: string): KubeObject => ({
  apiVersion,
  kind,
  metadata: { name, namespace: 'istio-system' },
});

/** A cluster after SETUP.md step 2 (Istio and its Prometheus addon), where Flagger's kustomization can be applied. */
function istioCluster(extra: ClusterState = {}): ClusterState {
  return {
    crds: [...istioCrds],
    objects: [inIstioSystem('Service', 'prometheus', 'v1')],
    remoteKustomizations: {
      [flaggerKustomization]: {
        crds: flaggerCrds,
        objects: [inIstioSystem('Deployment', 'flagger', 'apps/v1')],
      },
    },
    flaggerPhase: 'Initialized',
    ...extra,
  };
}

const names = (s: StandIn, namespace = 'movies') =>
  s
    .state()
    .objects.filter((o) => (o.metadata.namespace ?? '') === namespace)
    .map((o) => `${o.kind}/${o.metadata.name}`)
    .sort();

const annotations = (s: StandIn, kind: string, name: string) =>
  s.object(kind, name)?.metadata.annotations ?? {};

describe('deploy.sh flagger', () => {
  it('installs Flagger from the pinned kustomization, applies the variant and waits until it is initialized', async () => {
    const standIn = newStandIn(istioCluster());
    const result = await runScript('deploy.sh', ['flagger'], { env: standIn.env });

    expect(result.code, result.stderr).toBe(0);
    const calls = standIn.calls();
    expect(calls.map(command)).toEqual([
      'config current-context',
      'get --raw /version',
      'get crd virtualservices.networking.istio.io -o name',
      'get crd destinationrules.networking.istio.io -o name',
      'get crd gateways.networking.istio.io -o name',
      'get service prometheus -o name',
      'get namespace movies -o name',
      'get deployment flagger -o name',
      `apply -k ${flaggerKustomization}`,
      'annotate deployment flagger traffic-shifting.demo/created-by=deploy.sh --overwrite',
      'rollout status deployment/flagger --timeout=300s',
      `apply -k ${repoRoot}/k8s/progressive-delivery/flagger`,
      'annotate namespace movies traffic-shifting.demo/flagger=flagger traffic-shifting.demo/created-by=deploy.sh --overwrite',
      'get namespace movies -o jsonpath={.metadata.labels.istio-injection}',
      'get namespace movies -o jsonpath={.metadata.labels.istio\\.io/rev}',
      'wait canary/movie-backend --for=jsonpath={.status.phase}=Initialized --timeout=300s',
    ]);
    const flaggerCalls = new Set([5, 7, 8, 9, 10]);
    for (const [i, call] of calls.entries()) {
      const namespace = flaggerCalls.has(i) ? 'istio-system' : 'movies';
      expect(passesNamespace(call, namespace), command(call)).toBe(true);
    }
    expect(result.stderr).toContain('Watch: kubectl -n movies get canary -w');
    expect(standIn.state().crds).toEqual(expect.arrayContaining(flaggerCrds));
    expect(annotations(standIn, 'Deployment', 'flagger')).toEqual({
      'traffic-shifting.demo/created-by': 'deploy.sh',
    });
    expect(names(standIn)).toEqual(
      expect.arrayContaining([
        'Canary/movie-backend',
        'Deployment/flagger-loadtester',
        'Deployment/movie-backend',
      ]),
    );
    expect(names(standIn).filter((n) => n.startsWith('Service/movie-backend'))).toEqual([]);
  });

  it('starts an analysis with v2 and waits until Flagger reports it progressing; unchanged, it starts none', async () => {
    const standIn = newStandIn(istioCluster());
    expect((await runScript('deploy.sh', ['flagger'], { env: standIn.env })).code).toBe(0);
    standIn.clearCalls();
    const state = standIn.state();
    // Flagger now runs (the first call left it installed) and picks up the change within its control loop.
    writeState(standIn, { ...state, flaggerPhase: 'Progressing' });

    const v2 = await runScript('deploy.sh', ['flagger', 'v2'], { env: standIn.env });
    expect(v2.code, v2.stderr).toBe(0);
    const commands = standIn.calls().map(command);
    expect(commands).toContain('get canary movie-backend -o name');
    expect(commands).not.toContain(`apply -k ${flaggerKustomization}`);
    expect(v2.stderr).toContain('Flagger runs already in istio-system: using it');
    expect(commands.at(-1)).toBe(
      'wait canary/movie-backend --for=jsonpath={.status.phase}=Progressing --timeout=300s',
    );
    const template = (
      standIn.object('Deployment', 'movie-backend') as unknown as {
        spec: { template: { metadata: { labels: Record<string, string> } } };
      }
    ).spec.template.metadata.labels;
    expect(template.version).toBe('v2');
    expect(annotations(standIn, 'Namespace', 'movies')['traffic-shifting.demo/flagger']).toBe('flagger-v2');

    standIn.clearCalls();
    const again = await runScript('deploy.sh', ['flagger', 'v2'], { env: standIn.env });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('deployment movie-backend is unchanged: Flagger starts no new analysis');
    expect(
      standIn
        .calls()
        .map(command)
        .filter((c) => c.startsWith('wait')),
    ).toEqual([]);
  });

  it('applies the FAULT_ERROR_RATE variant as a new release', async () => {
    const standIn = newStandIn(istioCluster());
    await runScript('deploy.sh', ['flagger', 'v2'], { env: standIn.env });
    writeState(standIn, { ...standIn.state(), flaggerPhase: 'Progressing' });
    const faulty = await runScript('deploy.sh', ['flagger', 'faulty'], { env: standIn.env });

    expect(faulty.code, faulty.stderr).toBe(0);
    const env = (
      standIn.object('Deployment', 'movie-backend') as unknown as {
        spec: { template: { spec: { containers: Array<{ env: Array<{ name: string; value?: string }> }> } } };
      }
    ).spec.template.spec.containers[0]?.env;
    expect(env).toContainEqual({ name: 'FAULT_ERROR_RATE', value: '0.3' });
  });

  it.each([
    [['flagger', 'v3'], {}, 64, "unknown Flagger variant 'v3' (v1, v2 or faulty)"],
    [['flagger', 'v1', 'v2'], {}, 64, 'flagger takes at most one variant'],
    [['flagger'], { NAMESPACE: 'shop' }, 64, 'the Flagger variants live in namespace movies only'],
    [
      ['flagger'],
      { FLAGGER_TIMEOUT: 'soon' },
      64,
      "FLAGGER_TIMEOUT must be a duration like 300s or 10m, got 'soon'",
    ],
  ])('refuses %j %j before calling kubectl', async (args, env, code, message) => {
    const standIn = newStandIn(istioCluster());
    const result = await runScript('deploy.sh', args, { env: { ...standIn.env, ...env } });
    expect(result.code).toBe(code);
    expect(result.stderr).toContain(message);
    expect(standIn.calls()).toEqual([]);
  });

  it('stops before any change without Prometheus, on a namespace running a split overlay, or without network', async () => {
    const noPrometheus = newStandIn(istioCluster({ objects: [] }));
    const a = await runScript('deploy.sh', ['flagger'], { env: noPrometheus.env });
    expect(a.code).toBe(69);
    expect(a.stderr).toContain('no Service prometheus in istio-system');
    expect(noPrometheus.mutations()).toEqual([]);

    const split = await deployedCluster('80-20');
    const withSplit = newStandIn(
      istioCluster({ objects: [...(split.objects ?? []), inIstioSystem('Service', 'prometheus', 'v1')] }),
    );
    const b = await runScript('deploy.sh', ['flagger'], { env: withSplit.env });
    expect(b.code).toBe(78);
    expect(b.stderr).toContain('namespace movies runs overlay 80-20');
    expect(b.stderr).toContain('scripts/cleanup.sh --yes');
    expect(withSplit.mutations()).toEqual([]);

    const offline = newStandIn(istioCluster({ remoteKustomizations: {} }));
    const c = await runScript('deploy.sh', ['flagger'], { env: offline.env });
    expect(c.code).toBe(1);
    expect(c.stderr).toContain(flaggerKustomization);
    expect(offline.object('Canary', 'movie-backend')).toBeUndefined();
  });

  it('names the way to find out why when the canary does not initialize', async () => {
    const standIn = newStandIn(istioCluster({ flaggerPhase: 'Initializing' }));
    const result = await runScript('deploy.sh', ['flagger'], {
      env: { ...standIn.env, FLAGGER_TIMEOUT: '5s' },
    });
    expect(result.code).toBe(69);
    expect(result.stderr).toContain('canary movie-backend did not reach Initialized in 5s');
    expect(result.stderr).toContain('kubectl -n movies describe canary movie-backend');
  });
});

describe('cleanup.sh after deploy.sh flagger', () => {
  it('deletes the variant (Canary included), the demo, the namespace, and the Flagger deploy.sh installed', async () => {
    const standIn = newStandIn(istioCluster());
    expect((await runScript('deploy.sh', ['flagger', 'v2'], { env: standIn.env })).code).toBe(0);
    standIn.clearCalls();
    const result = await runScript('cleanup.sh', ['--yes'], { env: standIn.env });

    expect(result.code, result.stderr).toBe(0);
    const mutations = standIn.mutations();
    expect(mutations.map(command)).toEqual([
      'delete -f - --ignore-not-found',
      'delete -f - --ignore-not-found',
      'delete secret tmdb-api-key --ignore-not-found',
      'delete namespace movies --ignore-not-found',
      `delete -k ${flaggerKustomization} --ignore-not-found`,
    ]);
    const variant = mutations[0]?.stdin ?? '';
    expect(variant).toContain('kind: Canary');
    expect(variant).toContain('name: flagger-loadtester');
    expect(variant).not.toContain('kind: Namespace');
    expect(names(standIn)).toEqual([]);
    expect(names(standIn, 'istio-system')).toEqual(['Service/prometheus']);
    expect(standIn.state().crds.filter((crd) => crd.endsWith('flagger.app'))).toEqual([]);

    standIn.clearCalls();
    const second = await runScript('cleanup.sh', ['--yes'], { env: standIn.env });
    expect(second.code, second.stderr).toBe(0);
    expect(standIn.mutations()).toEqual([]);
  });

  it('keeps a Flagger that was there before deploy.sh', async () => {
    const standIn = newStandIn(
      istioCluster({
        crds: [...istioCrds, ...flaggerCrds],
        objects: [
          inIstioSystem('Service', 'prometheus', 'v1'),
          inIstioSystem('Deployment', 'flagger', 'apps/v1'),
        ],
      }),
    );
    const deploy = await runScript('deploy.sh', ['flagger'], { env: standIn.env });
    expect(deploy.code, deploy.stderr).toBe(0);
    expect(standIn.calls().map(command)).not.toContain(`apply -k ${flaggerKustomization}`);
    const result = await runScript('cleanup.sh', ['--yes'], { env: standIn.env });

    expect(result.code, result.stderr).toBe(0);
    expect(standIn.mutations().map(command)).not.toContain(
      `delete -k ${flaggerKustomization} --ignore-not-found`,
    );
    expect(names(standIn, 'istio-system')).toEqual(['Deployment/flagger', 'Service/prometheus']);
    expect(names(standIn)).toEqual([]);
  });
});

/** Replaces the stand-in's state, as the cluster changing under the script (Flagger moving the canary on). */
function writeState(standIn: StandIn, state: ClusterState): void {
  const path = (standIn.env as Record<string, string>).KUBECTL_STAND_IN_STATE as string;
  writeFileSync(path, JSON.stringify(state, null, 2));
}

describe('the Flagger job of the cluster end-to-end workflow', () => {
  const workflow = loadPipeline('.github/workflows/cluster-e2e.yml', 'github');
  const jobs = workflow.document.jobs as Record<string, { steps: Array<{ run?: string; if?: string }> }>;
  const commands = () =>
    (jobs.flagger?.steps ?? [])
      // The diagnostics that run only after a failure are not part of the scenario.
      .filter((step) => step.if === undefined)
      .flatMap((step) => parseCommands(step.run ?? ''))
      .map((c) => c.words.map((w) => w.value).join(' '));
  const setup = readFileSync(join(repoRoot, 'SETUP.md'), 'utf8');
  const flaggerSection = setup.slice(setup.indexOf('\n## Flagger\n'));

  it('is appended after the existing job and says why it cannot run in pnpm test', () => {
    expect(Object.keys(jobs).at(-1)).toBe('flagger');
    const text = readFileSync(join(repoRoot, '.github/workflows/cluster-e2e.yml'), 'utf8');
    const header = text.slice(
      text.lastIndexOf('\n\n', text.indexOf('\n  flagger:\n')),
      text.indexOf('\n  flagger:\n'),
    );
    expect(header).toContain('cannot run in `pnpm test`');
    expect(header).toContain('apps/ops/test/flagger.test.ts');
  });

  it('releases v1, then v2 until Succeeded, then the faulty v2 until Failed, and cleans up — as SETUP.md shows', () => {
    const run = commands();
    const deploys = run.filter((c) => c.startsWith('scripts/deploy.sh'));
    expect(deploys).toEqual([
      'scripts/deploy.sh flagger',
      'scripts/deploy.sh flagger v2',
      'scripts/deploy.sh flagger faulty',
    ]);
    const waits = run.filter((c) => c.includes('wait canary/movie-backend'));
    expect(waits.map((c) => /phase\}=(\w+)/.exec(c)?.[1])).toEqual(['Succeeded', 'Failed']);
    // Each wait and the canaryWeight check are the commands SETUP.md's Flagger section gives, namespace aside.
    expect(flaggerSection).toContain(
      "kubectl -n movies wait canary/movie-backend --for=jsonpath='{.status.phase}'=Failed --timeout=15m",
    );
    expect(flaggerSection).toContain("--for=jsonpath='{.status.phase}'=Succeeded");
    expect(flaggerSection).toContain(
      "kubectl -n movies get canary movie-backend -o jsonpath='{.status.canaryWeight}'",
    );
    expect(run.at(-1)).toBe('scripts/cleanup.sh --yes');
    // Prometheus is a prerequisite deploy.sh flagger checks: the job installs Istio's addon before it.
    const prometheus = run.findIndex((c) => c.includes('samples/addons/prometheus.yaml'));
    expect(prometheus).toBeGreaterThan(-1);
    expect(prometheus).toBeLessThan(run.indexOf('scripts/deploy.sh flagger'));
  });

  it('loads into kind the images the Flagger variant deploys, except the load tester pulled from its registry', () => {
    const images = new Set<string>();
    const kubectl = findKubectl();
    if (!kubectl) throw new Error('kubectl is not on the PATH (or $KUBECTL)');
    const rendered = spawnSync(kubectl, ['kustomize', join(repoRoot, 'k8s/progressive-delivery/flagger')], {
      encoding: 'utf8',
    }).stdout;
    for (const object of parseManifests(rendered)) {
      const spec = object.spec as { template?: { spec?: { containers?: { image: string }[] } } } | undefined;
      for (const container of spec?.template?.spec?.containers ?? []) images.add(container.image);
    }
    const load = commands().find((c) => c.startsWith('kind load docker-image'));
    const loaded = (load ?? '')
      .split(' ')
      .slice(3)
      .filter((w, i, all) => !w.startsWith('-') && all[i - 1] !== '--name');
    expect([...images].filter((image) => !image.startsWith('ghcr.io/fluxcd/')).sort()).toEqual(loaded.sort());
  });
});
