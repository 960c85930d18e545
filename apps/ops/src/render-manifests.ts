/**
 * Renders overlays for the cluster scripts: optionally moved to another namespace (so NAMESPACE is honoured
 * although k8s/base pins `movies`), optionally without the Namespace object (so cleanup deletes the namespace
 * only when the demo created it), and de-duplicated across overlays (cleanup renders several).
 */
import { parseManifests, renderOverlay } from '@movies/mesh';
import { stringify } from 'yaml';

export interface RenderManifestsOptions {
  namespace?: string;
  skipNamespaceObject?: boolean;
  kubectl?: string | false;
}

type Manifest = Record<string, unknown> & {
  kind?: string;
  apiVersion?: string;
  metadata?: { name?: string; namespace?: string };
};

export async function renderManifests(
  overlays: readonly string[],
  options: RenderManifestsOptions = {},
): Promise<Manifest[]> {
  const seen = new Set<string>();
  const result: Manifest[] = [];
  for (const overlay of overlays) {
    const rendered = await renderOverlay(overlay, { kubectl: options.kubectl });
    for (const object of parseManifests(rendered.yaml, `k8s/overlays/${overlay}`) as Manifest[]) {
      if (object.kind === 'Namespace' && options.skipNamespaceObject) continue;
      const moved = options.namespace ? moveToNamespace(object, options.namespace) : object;
      const key = `${moved.apiVersion}/${moved.kind}/${moved.metadata?.namespace ?? ''}/${moved.metadata?.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      result.push(moved);
    }
  }
  return result;
}

function moveToNamespace(object: Manifest, namespace: string): Manifest {
  const metadata = { ...(object.metadata ?? {}) };
  if (object.kind === 'Namespace') metadata.name = namespace;
  else if (metadata.namespace !== undefined) metadata.namespace = namespace;
  return { ...object, metadata };
}

export function toYamlStream(objects: readonly Manifest[]): string {
  return objects.map((object) => `---\n${stringify(object)}`).join('');
}
