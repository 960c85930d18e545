/**
 * The Flagger variants (k8s/progressive-delivery/flagger, flagger-v2, flagger-v2-faulty), rendered by the real
 * `kubectl kustomize` and checked by src/check-flagger.ts; each broken fixture under test/fixtures/flagger/ breaks
 * one render in one place and must fail on exactly that defect.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { VISITOR_COOKIE } from '@movies/contracts/names';
import { findKubectl, k8sDir, parseManifests, STICKY_MAX_AGE_SECONDS } from '@movies/mesh';
import { findObject } from '@movies/mesh/testing';
import { describe, expect, it } from 'vitest';
import { checkFlagger, FLAGGER_CHECKS } from '../src/check-flagger.js';
import { flaggerUpstreamDir, flaggerVersion } from '../src/flagger-schema.js';
import { formatFinding } from '../src/index.js';
import { loadFixture } from './fixture.js';

const execFileAsync = promisify(execFile);
const VARIANTS = ['flagger', 'flagger-v2', 'flagger-v2-faulty'] as const;
const progressiveDir = join(k8sDir, 'progressive-delivery');

const renders = new Map<string, Promise<Array<Record<string, unknown>>>>();
function rendered(variant: string): Promise<Array<Record<string, unknown>>> {
  let pending = renders.get(variant);
  if (!pending) {
    const kubectl = findKubectl();
    if (!kubectl)
      throw new Error('kubectl is not on the PATH (or $KUBECTL): the Flagger variants need a render');
    pending = execFileAsync(kubectl, ['kustomize', join(progressiveDir, variant)], {
      maxBuffer: 32 * 1024 * 1024,
    }).then(({ stdout }) => parseManifests(stdout, `k8s/progressive-delivery/${variant}`));
    renders.set(variant, pending);
  }
  return pending.then((objects) => structuredClone(objects));
}

type Obj = Record<string, unknown>;
interface DeploymentObj {
  metadata: { name: string; namespace?: string };
  spec: {
    selector: { matchLabels: Record<string, string> };
    template: {
      metadata: { labels: Record<string, string> };
      spec: {
        serviceAccountName?: string;
        containers: Array<{ env: Array<{ name: string; value?: string; valueFrom?: unknown }> }>;
      };
    };
  };
}
interface CanaryObj {
  spec: {
    service: Obj;
    analysis: {
      stepWeights: number[];
      threshold: number;
      interval: string;
      metrics: unknown[];
      sessionAffinity: { cookieName: string; maxAge: number };
    };
  };
}
const deploymentNamed = (objects: Obj[], name: string) =>
  findObject(objects, 'Deployment', name) as unknown as DeploymentObj;
const deployment = (objects: Obj[]) => deploymentNamed(objects, 'movie-backend');
const containerEnv = (d: DeploymentObj) => d.spec.template.spec.containers[0]?.env ?? [];
const envOf = (d: DeploymentObj) =>
  Object.fromEntries(containerEnv(d).map((e) => [e.name, e.value ?? e.valueFrom]));

describe('Flagger variants', () => {
  it.each(VARIANTS)(
    '%s renders and passes every Flagger check',
    async (variant) => {
      const objects = await rendered(variant);
      expect(checkFlagger(objects).map(formatFinding)).toEqual([]);
      expect(objects.filter((o) => o.kind === 'Canary')).toHaveLength(1);
    },
    120_000,
  );

  it('leaves out what Flagger generates and keeps one backend Deployment', async () => {
    const objects = await rendered('flagger');
    const names = objects.map((o) => `${o.kind}/${(o.metadata as { name: string }).name}`);
    for (const kind of ['Service', 'DestinationRule', 'VirtualService']) {
      expect(names.filter((n) => n.startsWith(`${kind}/movie-backend`))).toEqual([]);
    }
    expect(names.filter((n) => n.startsWith('Deployment/'))).toEqual([
      'Deployment/flagger-loadtester',
      'Deployment/movie-backend',
      'Deployment/movie-frontend',
    ]);
    const d = deployment(objects);
    expect(d.spec.selector.matchLabels).toEqual({ app: 'movie-backend' });
    expect(d.spec.template.metadata.labels).toMatchObject({ app: 'movie-backend', version: 'v1' });
    expect(envOf(d)).toMatchObject({
      DATA_DIR: 'bollywood-data',
      SERVICE_VERSION: { fieldRef: { fieldPath: "metadata.labels['version']" } },
    });
    expect(d.spec.template.spec.serviceAccountName).toBe('movie-backend');
    expect(names).toContain('ServiceAccount/movie-backend');
    // The load tester comes unchanged from Flagger's release, moved into the demo's namespace.
    const tester = deploymentNamed(objects, 'flagger-loadtester');
    expect(tester.metadata.namespace).toBe('movies');
  }, 120_000);

  it('flagger-v2 changes only the version and catalogue; the faulty variant adds only FAULT_ERROR_RATE', async () => {
    const [v1, v2, faulty] = await Promise.all(VARIANTS.map(rendered));
    const d2 = deployment(v2 as Obj[]);
    expect(d2.spec.template.metadata.labels.version).toBe('v2');
    expect(envOf(d2).DATA_DIR).toBe('hollywood-data');
    const undo = structuredClone(d2);
    undo.spec.template.metadata.labels.version = 'v1';
    (containerEnv(undo)[1] as { value?: string }).value = 'bollywood-data';
    expect(undo).toEqual(deployment(v1 as Obj[]));
    const df = deployment(faulty as Obj[]);
    expect(envOf(df).FAULT_ERROR_RATE).toBe('0.3');
    containerEnv(df).pop();
    expect(df).toEqual(d2);
  }, 120_000);

  it("runs canary.sh's analysis: same steps, threshold, metrics and cookie lifetime", async () => {
    const canary = findObject(await rendered('flagger'), 'Canary', 'movie-backend') as unknown as CanaryObj;
    const canarySh = readFileSync(join(k8sDir, '..', 'scripts', 'canary.sh'), 'utf8');
    const constant = (name: string) => new RegExp(`readonly ${name}="?([^"\\n]+)"?`).exec(canarySh)?.[1];
    const steps = (constant('DEFAULT_STEPS') ?? '').split(',').map(Number);
    expect(steps.at(-1)).toBe(100);
    expect(canary.spec.analysis.stepWeights).toEqual(steps.slice(0, -1));
    expect(canary.spec.analysis.threshold).toBe(Number(constant('DEFAULT_MAX_FAILED_CHECKS')));
    expect(canary.spec.analysis.interval).toBe(`${Number(constant('DEFAULT_INTERVAL')) / 60}m`);
    expect(canary.spec.analysis.metrics).toEqual([
      {
        name: 'request-success-rate',
        thresholdRange: { min: Number(constant('DEFAULT_MIN_SUCCESS_RATE')) },
        interval: '1m',
      },
      {
        name: 'request-duration',
        thresholdRange: { max: Number(constant('DEFAULT_MAX_P99_MS')) },
        interval: '1m',
      },
    ]);
    expect(canary.spec.analysis.sessionAffinity.maxAge).toBe(STICKY_MAX_AGE_SECONDS);
    expect(canary.spec.analysis.sessionAffinity.cookieName).not.toBe(VISITOR_COOKIE);
    expect(canary.spec.service).toMatchObject({
      gateways: ['istio-gateway'],
      match: [{ uri: { prefix: '/api/' } }],
      rewrite: { uri: '/' },
    });
  }, 120_000);
});

describe('the pinned Flagger version', () => {
  const version = flaggerVersion();
  const semver = (v: string) => v.replace(/^v/, '').split('.').map(Number) as [number, number, number];
  const atLeast = (a: string, b: string) => {
    const [x, y] = [semver(a), semver(b)];
    return x[0] !== y[0] ? x[0] > y[0] : x[1] !== y[1] ? x[1] > y[1] : x[2] >= y[2];
  };

  it("names the committed upstream folder, which the variant's load tester comes from", () => {
    expect(existsSync(join(flaggerUpstreamDir(), 'crd.yaml'))).toBe(true);
    const kustomization = readFileSync(join(progressiveDir, 'flagger', 'kustomization.yaml'), 'utf8');
    expect(kustomization).toContain(`../upstream/flagger-${version}/kustomize/tester`);
    expect(readdirSync(join(progressiveDir, 'upstream'))).toEqual([`flagger-${version}`]);
  });

  it('is at least the minimum versions.yaml names (primaryCookieName)', () => {
    const text = readFileSync(join(k8sDir, 'versions.yaml'), 'utf8');
    const minimum = /^flagger:\n(?:\s+.*\n)*?\s+minimum: (v[\d.]+)/m.exec(text)?.[1];
    expect(minimum).toBeDefined();
    expect(atLeast(version, minimum as string)).toBe(true);
  });

  it('is written nowhere else: the scripts, docs and workflow read it from k8s/versions.yaml', () => {
    const root = join(k8sDir, '..');
    const files = [
      'scripts/deploy.sh',
      'scripts/cleanup.sh',
      'scripts/lib/common.sh',
      'SETUP.md',
      '.github/workflows/cluster-e2e.yml',
      'k8s/progressive-delivery/flagger/canary-movie-backend.yaml',
      'k8s/progressive-delivery/flagger/kustomization.yaml',
      'k8s/progressive-delivery/flagger-v2/kustomization.yaml',
      'k8s/progressive-delivery/flagger-v2-faulty/kustomization.yaml',
    ];
    const bare = version.replace(/^v/, '');
    for (const file of files) {
      // Allowed: the path of the upstream folder, since the test above ties that name to versions.yaml.
      const text = readFileSync(join(root, file), 'utf8').replaceAll(`flagger-${version}`, 'flagger-VERSION');
      expect(text.includes(bare), `${file} names ${version}`).toBe(false);
    }
  });
});

const fixturesDir = join(import.meta.dirname, 'fixtures', 'flagger');
const fixtures = readdirSync(fixturesDir)
  .filter((name) => name.endsWith('.yaml'))
  .sort()
  .map((name) => loadFixture(join(fixturesDir, name)));

describe('broken Flagger fixtures fail on exactly their defect', () => {
  it.each(fixtures.map((fixture) => [fixture.file.split('/').at(-1), fixture] as const))(
    '%s',
    async (_name, fixture) => {
      const objects = fixture.apply(await rendered(fixture.base));
      const found = checkFlagger(objects).map((finding) => `[${finding.check}] ${formatFinding(finding)}`);
      expect(found.sort()).toEqual([...fixture.expected].sort());
    },
    120_000,
  );

  it('every Flagger check has a fixture proving it fails', () => {
    const proven = new Set(
      fixtures.flatMap((f) => f.expected.map((line) => /^\[([\w-]+)\]/.exec(line)?.[1])),
    );
    expect(Object.keys(FLAGGER_CHECKS).filter((check) => !proven.has(check))).toEqual([]);
  });
});
