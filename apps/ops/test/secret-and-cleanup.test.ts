import { describe, expect, it } from 'vitest';
import { command, deployedCluster, isMutation, passesNamespace, runScript } from './support/harness.js';
import { standInsPerTest } from './support/stand-ins.js';

const newStandIn = standInsPerTest();

const key = 'c0ffee-tmdb-key-0123456789abcdef';
const base64Key = Buffer.from(key).toString('base64');

describe('create-secret.sh', () => {
  it('creates tmdb-api-key from TMDB_API_KEY through stdin, never printing the key or passing it as an argument', async () => {
    const standIn = newStandIn(await deployedCluster('80-20'));
    const result = await runScript('create-secret.sh', [], { env: { ...standIn.env, TMDB_API_KEY: key } });

    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('secret tmdb-api-key (key TMDB_API_KEY) is set in namespace movies');
    const calls = standIn.calls();
    expect(calls.map(command)).toEqual([
      'get namespace movies -o name',
      'create secret generic tmdb-api-key --from-file=TMDB_API_KEY=/dev/stdin --dry-run=client -o yaml',
      'apply -f -',
    ]);
    for (const call of calls) expect(passesNamespace(call, 'movies')).toBe(true);
    for (const text of [result.stdout, result.stderr, ...calls.map((c) => c.argv.join(' '))]) {
      expect(text).not.toContain(key);
      expect(text).not.toContain(base64Key);
    }
    expect((standIn.object('Secret', 'tmdb-api-key') as { data?: Record<string, string> }).data).toEqual({
      TMDB_API_KEY: base64Key,
    });
  });

  it('updates the secret in place when run again', async () => {
    const standIn = newStandIn(await deployedCluster('80-20'));
    await runScript('create-secret.sh', [], { env: { ...standIn.env, TMDB_API_KEY: 'old-key' } });
    const second = await runScript('create-secret.sh', [], { env: { ...standIn.env, TMDB_API_KEY: key } });

    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain('secret/tmdb-api-key configured');
    expect(standIn.state().objects.filter((o) => o.kind === 'Secret')).toHaveLength(1);
    expect(
      (standIn.object('Secret', 'tmdb-api-key') as { data?: Record<string, string> }).data?.TMDB_API_KEY,
    ).toBe(base64Key);
  });

  it.each([
    [{}, 78, 'TMDB_API_KEY is not set and stdin is not a terminal'],
    [{ TMDB_API_KEY: 'two words' }, 78, 'contains spaces or control characters'],
  ])('refuses %j without calling kubectl', async (extraEnv, code, message) => {
    const standIn = newStandIn(await deployedCluster('80-20'));
    const result = await runScript('create-secret.sh', [], {
      env: { ...standIn.env, TMDB_API_KEY: '', ...extraEnv },
    });

    expect(result.code).toBe(code);
    expect(result.stderr).toContain(message);
    expect(standIn.calls()).toEqual([]);
  });

  it('refuses a key given as an argument (it would land in the shell history)', async () => {
    const result = await runScript('create-secret.sh', [key]);
    expect(result.code).toBe(64);
    expect(result.stderr).toContain('never an argument');
    expect(result.stderr).not.toContain(key);
  });

  it('says to deploy first when the namespace does not exist', async () => {
    const standIn = newStandIn({});
    const result = await runScript('create-secret.sh', [], { env: { ...standIn.env, TMDB_API_KEY: key } });

    expect(result.code).toBe(78);
    expect(result.stderr).toContain(
      'namespace movies does not exist. Deploy first: scripts/deploy.sh deploy',
    );
    expect(standIn.mutations()).toEqual([]);
  });
});

describe('cleanup.sh', () => {
  it('deletes every object of the demo, the secret and the namespace deploy.sh created, ignoring NotFound', async () => {
    const cluster = await deployedCluster('80-20');
    const standIn = newStandIn(cluster);
    const result = await runScript('cleanup.sh', [], { env: standIn.env });

    expect(result.code, result.stderr).toBe(0);
    const mutations = standIn.mutations();
    expect(mutations.map(command)).toEqual([
      'delete -f - --ignore-not-found',
      'delete secret tmdb-api-key --ignore-not-found',
      'delete namespace movies --ignore-not-found',
    ]);
    for (const call of standIn.calls().filter((c) => c.argv[0] !== 'kustomize')) {
      expect(passesNamespace(call, 'movies'), command(call)).toBe(true);
    }
    const manifests = mutations[0]?.stdin ?? '';
    expect(manifests).not.toContain('kind: Namespace');
    for (const kind of [
      'Deployment',
      'Service',
      'VirtualService',
      'DestinationRule',
      'Gateway',
      'PeerAuthentication',
    ]) {
      expect(manifests).toContain(`kind: ${kind}`);
    }
    expect(standIn.state().objects).toEqual([]);
  });

  it('is safe to run twice: the second run finds nothing and changes nothing', async () => {
    const standIn = newStandIn(await deployedCluster('80-20'));
    await runScript('cleanup.sh', [], { env: standIn.env });
    standIn.clearCalls();
    const second = await runScript('cleanup.sh', [], { env: standIn.env });

    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain('namespace movies does not exist: nothing to clean up');
    expect(standIn.mutations()).toEqual([]);
  });

  it('keeps a namespace the demo did not create, deleting only what is inside, and ignores what is missing', async () => {
    const cluster = await deployedCluster('header-routing', false);
    // Half of it is already gone: the deletes must skip it rather than fail.
    cluster.objects = cluster.objects?.filter((o) => o.kind !== 'Deployment' && o.kind !== 'VirtualService');
    const standIn = newStandIn(cluster);
    const result = await runScript('cleanup.sh', [], { env: standIn.env });

    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('kept namespace movies: deploy.sh did not create it');
    expect(standIn.mutations().map(command)).not.toContain('delete namespace movies --ignore-not-found');
    expect(standIn.state().objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Namespace/movies']);
  });

  it('leaves out the kinds of APIs the cluster does not serve (no Gateway API, no Istio security)', async () => {
    const cluster = await deployedCluster('80-20');
    cluster.crds = cluster.crds?.filter((crd) => crd.endsWith('networking.istio.io'));
    const standIn = newStandIn(cluster);
    const result = await runScript('cleanup.sh', [], { env: standIn.env });

    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('the cluster serves no security.istio.io API');
    expect(result.stderr).toContain('the cluster serves no gateway.networking.k8s.io API');
    const manifests = standIn.mutations()[0]?.stdin ?? '';
    expect(manifests).not.toContain('security.istio.io');
    expect(manifests).not.toContain('gateway.networking.k8s.io');
    expect(manifests).toContain('kind: VirtualService');
  });

  it('changes nothing when the cluster is unreachable', async () => {
    const standIn = newStandIn({ ...(await deployedCluster('80-20')), reachable: false });
    const result = await runScript('cleanup.sh', ['--yes'], { env: standIn.env });

    expect(result.code).toBe(69);
    expect(result.stderr).toContain('does not answer');
    expect(standIn.calls().filter(isMutation)).toEqual([]);
  });
});
