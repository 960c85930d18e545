/**
 * Supported versions are written in k8s/versions.yaml alone (issue 20), so a bump is one edit. Everything that
 * names an Istio, Kubernetes, kind, minikube or Gateway API version in a tracked file is checked against it, so
 * SETUP.md, the workflows, the CI examples and the scripts cannot drift from it, or from each other, without this
 * suite failing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './support/harness.js';
import { loadPipeline } from './support/pipelines.js';
import {
  knownVersions,
  nodeImageVersion,
  readVersionTable,
  scannedFiles,
  type VersionMention,
  versionMentions,
} from './support/versions.js';

const table = readVersionTable();
const known = knownVersions(table);
const read = (file: string) => readFileSync(join(repoRoot, file), 'utf8');
const unknown = (mentions: VersionMention[]) => mentions.filter((m) => !known[m.product].has(m.version));
const describeMention = (m: VersionMention) => `${m.file}:${m.line}: ${m.product} ${m.version}`;

describe('k8s/versions.yaml', () => {
  it('holds every row with version, source, minimum and eol; Istio its oldest and newest supported minor', () => {
    expect(Object.keys(table)).toEqual(['istio', 'kubernetes', 'kind', 'minikube', 'gatewayApi', 'flagger']);
    expect(table.istio.supported.map((entry) => entry.role)).toEqual(['oldest', 'newest']);
    for (const entry of table.istio.supported) expect(entry.version.startsWith(`${entry.minor}.`)).toBe(true);
    expect(table.istio.version).toBe(table.istio.supported[1].version);
  });

  it('runs each Istio minor on a kind node image of the pinned kind release, inside the Kubernetes it supports', () => {
    for (const entry of table.istio.supported) {
      expect(table.kind.nodeImages).toContain(entry.kindNodeImage);
      const minor = nodeImageVersion(entry.kindNodeImage).split('.').slice(0, 2).join('.');
      if (entry.kubernetes) expect(entry.kubernetes).toContain(minor);
      expect(table.kubernetes.releases.map((release) => release.minor)).toContain(minor);
    }
  });

  it('installs the Gateway API CRDs of its gatewayApi row', () => {
    expect(table.gatewayApi.install).toContain(
      `/releases/download/${table.gatewayApi.version}/standard-install.yaml`,
    );
  });
});

describe('every version a tracked file names is in k8s/versions.yaml', () => {
  it('Istio, Kubernetes, kind, minikube and Gateway API versions across the repository', () => {
    const files = scannedFiles();
    expect(files).toEqual(
      expect.arrayContaining(['SETUP.md', '.github/workflows/cluster-e2e.yml', 'scripts/lib/common.sh']),
    );
    const mentions = files.flatMap((file) => versionMentions(file, read(file)));
    expect(unknown(mentions).map(describeMention)).toEqual([]);
    // The scan reads what it is for: the workflow's and SETUP.md's versions are among the mentions it found.
    const found = (file: string, product: VersionMention['product']) =>
      mentions.filter((m) => m.file === file && m.product === product).map((m) => m.version);
    expect(found('.github/workflows/cluster-e2e.yml', 'istio')).toEqual(['1.30.5', '1.31.0']);
    expect(found('SETUP.md', 'gatewayApi')).toContain(table.gatewayApi.version.slice(1));
  });

  it('catches the versions the repository named before the table (issue 20)', () => {
    const stale = [
      '| [kind](https://kind.sigs.k8s.io/) ≥ 0.23 **or** [minikube](https://minikube.sigs.k8s.io/) ≥ 1.33 | Kubernetes ≥ 1.29 |',
      '  ISTIO_VERSION: "1.22.1"',
      '  KIND_VERSION: v0.23.0',
      '  kubectl apply -f https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.2.1/standard-install.yaml',
      '          - istio: 1.28.3',
    ].join('\n');
    expect(unknown(versionMentions('stale.md', stale)).map(describeMention)).toEqual([
      'stale.md:1: kubernetes 1.29',
      'stale.md:1: kind 0.23',
      'stale.md:1: minikube 1.33',
      'stale.md:2: istio 1.22.1',
      'stale.md:3: kind 0.23.0',
      'stale.md:4: gatewayApi 1.2.1',
      'stale.md:5: istio 1.28.3',
    ]);
  });

  it('does not read package versions or other numbers as one of the products', () => {
    const text =
      '@kubernetes-models/istio 2.3.0 ships; see k8s/versions.yaml; node 20.11.1; kind: Deployment';
    expect(versionMentions('other.ts', text)).toEqual([]);
  });
});

describe('the files that install a version use the table', () => {
  const e2e = loadPipeline('.github/workflows/cluster-e2e.yml', 'github').document as {
    env: Record<string, string>;
    jobs: { e2e: { strategy: { matrix: { include: Record<string, string>[] } } } };
  };

  it('the cluster e2e matrix is Istio oldest and newest, each with its node image and Gateway API CRDs', () => {
    expect(e2e.jobs.e2e.strategy.matrix.include).toEqual(
      table.istio.supported.map((entry) => ({
        istio: entry.version,
        'kind-node-image': entry.kindNodeImage,
        'gateway-api': entry.gatewayApi,
      })),
    );
    expect(e2e.env.KIND_VERSION).toBe(table.kind.version);
  });

  it('SETUP.md installs the newest Istio on its node image, names only supported Istio minors, and the CRDs', () => {
    const setup = read('SETUP.md');
    const newest = table.istio.supported[1];
    expect(setup).toContain(`ISTIO_VERSION=${newest.version}`);
    expect(setup).toContain(`--image ${newest.kindNodeImage}`);
    expect(setup).toContain(`--kubernetes-version=v${nodeImageVersion(newest.kindNodeImage)}`);
    expect(setup).toContain(table.gatewayApi.install);
    // What the reader installs (istioctl, ISTIO_VERSION, istio-<version>) is a supported version; the floor (1.22)
    // may be named only as a fact about it, e.g. that it reached end of life.
    const supported = new Set(table.istio.supported.flatMap((entry) => [entry.version, entry.minor]));
    const lines = setup.split('\n');
    const installs = versionMentions('SETUP.md', setup).filter(
      (m) => m.product === 'istio' && /istioctl|ISTIO_VERSION|istio-\d/.test(lines[m.line - 1] ?? ''),
    );
    expect(installs.length).toBeGreaterThanOrEqual(3);
    expect(installs.filter((m) => !supported.has(m.version)).map(describeMention)).toEqual([]);
    expect(versionMentions('stale', '| istioctl 1.22 or newer | installing Istio |')[0]?.version).toBe(
      '1.22',
    );
    expect(supported.has('1.22')).toBe(false);
  });

  it("deploy.sh names the table's Gateway API CRDs when they are missing", () => {
    expect(read('scripts/lib/common.sh')).toContain(table.gatewayApi.install);
  });

  it('the GitLab example installs a kubectl of a supported Kubernetes minor', () => {
    const variables = loadPipeline('examples/ci/gitlab-ci.yml', 'gitlab').document.variables as Record<
      string,
      { value: string }
    >;
    const minor = /^v(\d+\.\d+)\.\d+$/.exec(variables.KUBECTL_VERSION?.value ?? '')?.[1];
    expect(table.kubernetes.releases.map((release) => release.minor)).toContain(minor);
  });
});
