/** The names, ports and wiring other parts of the project rely on (contracts.md), read from real renders. */

import { gatewayVirtualServices, splitOf } from '@movies/mesh';
import type { Container, Deployment, Service } from '@movies/mesh/manifests';
import { findObject, renderedObjects } from '@movies/mesh/testing';
import { describe, expect, it } from 'vitest';

function container(objects: Array<Record<string, unknown>>, name: string): Container {
  const deployment = findObject(objects, 'Deployment', name) as unknown as Deployment;
  return deployment.spec.template.spec.containers[0] as Container;
}

describe('base manifests (as rendered by 80-20)', () => {
  it('puts everything in namespace movies, labelled for sidecar injection', async () => {
    const objects = await renderedObjects('80-20');
    const namespace = findObject(objects, 'Namespace', 'movies');
    expect((namespace.metadata as { labels: Record<string, string> }).labels['istio-injection']).toBe(
      'enabled',
    );
    for (const object of objects.filter((o) => o.kind !== 'Namespace')) {
      expect((object.metadata as { namespace?: string }).namespace, String(object.kind)).toBe('movies');
    }
  });

  it('runs one backend image for both versions; v2 differs only in DATA_DIR, labels and ServiceAccount', async () => {
    const objects = await renderedObjects('80-20');
    const v1 = findObject(objects, 'Deployment', 'movie-backend-v1');
    const v2 = findObject(objects, 'Deployment', 'movie-backend-v2');
    expect(container(objects, 'movie-backend-v1').image).toBe('movie-backend:0.1.0');
    expect(container(objects, 'movie-frontend').image).toBe('movie-frontend:0.1.0');
    const normalise = (text: string) =>
      text.replaceAll('v2', 'v1').replaceAll('hollywood-data', 'bollywood-data');
    expect(normalise(JSON.stringify(v2))).toBe(JSON.stringify(v1));
    const env = (name: string) =>
      container(objects, name) as unknown as { env: Array<Record<string, unknown>> };
    expect(env('movie-backend-v2').env).toContainEqual({ name: 'DATA_DIR', value: 'hollywood-data' });
    expect(env('movie-backend-v1').env).toContainEqual({ name: 'DATA_DIR', value: 'bollywood-data' });
    expect(env('movie-backend-v1').env).toContainEqual({
      name: 'SERVICE_VERSION',
      valueFrom: { fieldRef: { fieldPath: "metadata.labels['version']" } },
    });
    expect(env('movie-backend-v1').env).toContainEqual({
      name: 'TMDB_API_KEY',
      valueFrom: { secretKeyRef: { name: 'tmdb-api-key', key: 'TMDB_API_KEY', optional: true } },
    });
    // The secret is created by a script, never committed.
    expect(objects.some((object) => object.kind === 'Secret')).toBe(false);
  });

  it('exposes the ports of the contract', async () => {
    const objects = await renderedObjects('80-20');
    const backend = findObject(objects, 'Service', 'movie-backend') as unknown as Service;
    const frontend = findObject(objects, 'Service', 'movie-frontend') as unknown as Service;
    expect(backend.spec.ports).toEqual([{ name: 'http', port: 8000, targetPort: 'http' }]);
    expect(frontend.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 8080 }]);
    expect(container(objects, 'movie-backend-v1').ports).toEqual([{ name: 'http', containerPort: 8000 }]);
    expect(container(objects, 'movie-frontend').ports).toEqual([{ name: 'http', containerPort: 8080 }]);
    const frontendProbe = container(objects, 'movie-frontend').readinessProbe?.httpGet;
    expect(frontendProbe?.path).toBe('/healthz');
    expect(container(objects, 'movie-backend-v2').readinessProbe?.httpGet?.path).toBe('/readyz');
    expect(container(objects, 'movie-backend-v2').livenessProbe?.httpGet?.path).toBe('/healthz');
  });

  it('gives nginx a writable /tmp only, everything else read-only', async () => {
    const objects = await renderedObjects('80-20');
    const frontend = container(objects, 'movie-frontend') as Container & {
      volumeMounts: Array<{ mountPath: string }>;
    };
    expect(frontend.securityContext?.readOnlyRootFilesystem).toBe(true);
    expect(frontend.volumeMounts.map((mount) => mount.mountPath)).toEqual(['/tmp']);
  });

  it('names the routing objects as the original demo did', async () => {
    const objects = await renderedObjects('80-20');
    for (const [kind, name] of [
      ['Gateway', 'istio-gateway'],
      ['DestinationRule', 'movie-backend'],
      ['VirtualService', 'movie-backend'],
      ['VirtualService', 'movie-frontend'],
    ] as const) {
      expect(String(findObject(objects, kind, name).apiVersion)).toMatch(/^networking\.istio\.io\/v1$/);
    }
  });
});

describe('split overlays', () => {
  const splits = { '100-0': [100, 0], '80-20': [80, 20], '50-50': [50, 50], '0-100': [0, 100] } as const;

  it.each(Object.entries(splits))('%s sends a plain /api/ request v1 %j', async (overlay, [v1, v2]) => {
    const objects = await renderedObjects(overlay);
    expect(splitOf(gatewayVirtualServices(objects))).toEqual({ v1, v2 });
  });

  it('differ from one another only in the two weights and the pin rules of the subsets at 0', async () => {
    const isPin = (rule: unknown) => /^pin-/.test(String((rule as { name?: unknown }).name));
    const stripWeights = (objects: Array<Record<string, unknown>>) =>
      JSON.stringify(objects, (key, value) =>
        key === 'weight'
          ? 'W'
          : key === 'http' && Array.isArray(value)
            ? value.filter((r) => !isPin(r))
            : value,
      );
    const reference = stripWeights(await renderedObjects('100-0'));
    for (const overlay of Object.keys(splits)) {
      expect(stripWeights(await renderedObjects(overlay)), overlay).toBe(reference);
    }
  });
});
