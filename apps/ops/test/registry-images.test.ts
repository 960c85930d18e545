/**
 * scripts/registry-images.sh (issue 20): the CI examples' one way to put the images in a registry a remote cluster
 * pulls from. A name that is not registry-qualified is refused before anything runs (docker would push it to
 * Docker Hub); a qualified one is tagged, pushed and set in k8s/base with `kustomize edit set image`.
 *
 * docker and kustomize are recording stand-ins (no container engine push, no kustomize binary on Debian 12 or
 * npm): each writes its working directory and argv to a log. kubectl is the real one, reading k8s/base.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { realKubectl, repoRoot, runScript } from './support/harness.js';

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** docker and kustomize stand-ins that log their argv (kustomize: after its cwd) one call a line; `failPush` makes docker push fail. */
function recordingTools(failPush = false) {
  const dir = mkdtempSync(join(tmpdir(), 'ops-registry-'));
  temps.push(dir);
  const log = join(dir, 'calls.log');
  writeFileSync(log, '');
  for (const tool of ['docker', 'kustomize']) {
    const file = join(dir, tool);
    const fail = failPush && tool === 'docker' ? '[ "$1" = push ] && exit 1\n' : '';
    // kustomize edits the kustomization in its working directory: that is logged too.
    const where = tool === 'kustomize' ? '"$PWD "' : '';
    writeFileSync(file, `#!/bin/sh\nprintf '%s\\n' ${where}"${tool} $*" >> "${log}"\n${fail}exit 0\n`);
    chmodSync(file, 0o755);
  }
  return {
    env: { DOCKER: join(dir, 'docker'), KUSTOMIZE: join(dir, 'kustomize'), KUBECTL: realKubectl },
    calls: () =>
      readFileSync(log, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => line.replace(repoRoot, '<repo>')),
  };
}

describe('registry-images.sh refuses a REGISTRY that is not registry-qualified, before running anything', () => {
  it.each([
    [
      'acme',
      /'acme' is not registry-qualified: 'acme' is not a registry host .*Docker Hub \(docker\.io\/acme\/…\)/,
    ],
    [
      'acme/movies',
      /'acme\/movies' is not registry-qualified.*Put the registry first, e\.g\. ghcr\.io\/acme\/movies/,
    ],
    ['', /no REGISTRY given \(it is empty\)/],
    ['docker.io/library', /Docker Hub's library, which holds only Docker's official images/],
    [
      'ghcr.io/acme:0.1.0',
      /'acme:0\.1\.0' in 'ghcr\.io\/acme:0\.1\.0' is not a repository path part.*no tag or digest/,
    ],
    ['ghcr.io/Acme', /'Acme' in 'ghcr\.io\/Acme' is not a repository path part/],
  ])('push %j: exit 64, a message naming the fix, no docker or kustomize call', async (registry, message) => {
    const tools = recordingTools();
    const result = await runScript('registry-images.sh', ['push', registry], { env: tools.env });
    expect(result.code).toBe(64);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
    expect(tools.calls()).toEqual([]);
  });

  it('names a missing command or REGISTRY as a usage error', async () => {
    const tools = recordingTools();
    expect((await runScript('registry-images.sh', [], { env: tools.env })).code).toBe(64);
    const extra = await runScript('registry-images.sh', ['set', 'ghcr.io/acme', 'more'], { env: tools.env });
    expect(extra.code).toBe(64);
    expect(extra.stderr).toContain('set takes one REGISTRY, got 2 argument(s)');
    expect(tools.calls()).toEqual([]);
  });
});

describe('registry-images.sh with a registry-qualified REGISTRY', () => {
  it('push: tags and pushes every image k8s/base deploys, then sets them in k8s/base', async () => {
    const tools = recordingTools();
    const result = await runScript('registry-images.sh', ['push', 'ghcr.io/acme/'], { env: tools.env });
    expect(result.stderr).toContain('pushed ghcr.io/acme/movie-backend:0.1.0');
    expect(result.code).toBe(0);
    expect(tools.calls()).toEqual([
      'docker tag movie-backend:0.1.0 ghcr.io/acme/movie-backend:0.1.0',
      'docker push ghcr.io/acme/movie-backend:0.1.0',
      'docker tag movie-frontend:0.1.0 ghcr.io/acme/movie-frontend:0.1.0',
      'docker push ghcr.io/acme/movie-frontend:0.1.0',
      '<repo>/k8s/base kustomize edit set image movie-backend=ghcr.io/acme/movie-backend:0.1.0 movie-frontend=ghcr.io/acme/movie-frontend:0.1.0',
    ]);
    expect(result.stdout).toBe('ghcr.io/acme/movie-backend:0.1.0\nghcr.io/acme/movie-frontend:0.1.0\n');
  });

  it('set: only the kustomize edit, for a registry with a port and no path', async () => {
    const tools = recordingTools();
    const result = await runScript('registry-images.sh', ['set', 'localhost:5000'], { env: tools.env });
    expect(result.code).toBe(0);
    expect(tools.calls()).toEqual([
      '<repo>/k8s/base kustomize edit set image movie-backend=localhost:5000/movie-backend:0.1.0 movie-frontend=localhost:5000/movie-frontend:0.1.0',
    ]);
  });

  it('a failed push stops before k8s/base is changed, and says to log in', async () => {
    const tools = recordingTools(true);
    const result = await runScript('registry-images.sh', ['push', 'registry.gitlab.com/group/project'], {
      env: tools.env,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'push registry.gitlab.com/group/project/movie-backend:0.1.0 failed: log in to registry.gitlab.com first',
    );
    expect(tools.calls().some((call) => call.includes('kustomize'))).toBe(false);
  });
});
