/**
 * Renders overlays for the cluster scripts: optionally moved to another namespace (so NAMESPACE is honoured
 * although k8s/base pins `movies`), optionally without the Namespace object (so cleanup deletes the namespace
 * only when the demo created it), and de-duplicated across overlays (cleanup renders several).
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  k8sDir,
  OverlayError,
  parseManifests,
  renderedDir,
  renderOverlay,
  requireKubectl,
} from '@movies/mesh';
import { stringify } from 'yaml';

export interface RenderManifestsOptions {
  namespace?: string;
  skipNamespaceObject?: boolean;
  /** Leave out every object that this overlay also renders (what switching to it would leave behind). */
  except?: string;
  /** API groups (e.g. security.istio.io) whose objects are left out: the cluster does not serve them. */
  skipGroups?: readonly string[];
  /** More overlays, read from their committed k8s/rendered/<name>.yaml when it exists (no kubectl process). */
  also?: readonly string[];
  kubectl?: string | false;
  /** The names are Flagger variants under k8s/progressive-delivery (flagger, flagger-v2…), not overlays. */
  progressive?: boolean;
}

const progressiveDir = join(k8sDir, 'progressive-delivery');

/** The Flagger variants: the directories of k8s/progressive-delivery with a kustomization (upstream has none). */
export function listProgressiveVariants(): string[] {
  return readdirSync(progressiveDir, { withFileTypes: true })
    .filter(
      (entry) => entry.isDirectory() && existsSync(join(progressiveDir, entry.name, 'kustomization.yaml')),
    )
    .map((entry) => entry.name)
    .sort();
}

/** `kubectl kustomize k8s/progressive-delivery/VARIANT` (no committed fallback: these need kubectl). */
async function renderProgressive(variant: string, given?: string): Promise<string> {
  const variants = listProgressiveVariants();
  if (!variants.includes(variant)) {
    throw new OverlayError(`unknown Flagger variant "${variant}" (available: ${variants.join(', ')})`);
  }
  const kubectl = given ?? requireKubectl();
  const { stdout } = await promisify(execFile)(kubectl, ['kustomize', join(progressiveDir, variant)], {
    maxBuffer: 32 * 1024 * 1024,
  });
  return stdout;
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
  const load = async (overlay: string, committed = false) => {
    if (options.progressive) {
      const yaml = await renderProgressive(overlay, options.kubectl || undefined);
      return parseManifests(yaml, `k8s/progressive-delivery/${overlay}`);
    }
    const kubectl = committed && existsSync(join(renderedDir, `${overlay}.yaml`)) ? false : options.kubectl;
    return parseManifests((await renderOverlay(overlay, { kubectl })).yaml, `k8s/overlays/${overlay}`);
  };
  // Rendered concurrently: cleanup renders every overlay, and each render is a kubectl process.
  const [excluded, ...rendered] = await Promise.all([
    options.except ? load(options.except) : Promise.resolve([]),
    ...overlays.map((overlay) => load(overlay)),
    ...(options.also ?? []).map((overlay) => load(overlay, true)),
  ]);
  const seen = new Set((excluded as Manifest[]).map(identity));
  const result: Manifest[] = [];
  for (const object of rendered.flat() as Manifest[]) {
    if (object.kind === 'Namespace' && options.skipNamespaceObject) continue;
    if (options.skipGroups?.includes(groupOf(object))) continue;
    const key = identity(object);
    if (seen.has(key)) continue;
    seen.add(key);
    result.push(options.namespace ? moveToNamespace(object, options.namespace) : object);
  }
  return result;
}

function groupOf(object: Manifest): string {
  const apiVersion = object.apiVersion ?? 'v1';
  return apiVersion.includes('/') ? (apiVersion.split('/')[0] as string) : '';
}

/** Kind and name identify an object here: every overlay renders into the same namespace. */
function identity(object: Manifest): string {
  return `${object.apiVersion?.split('/')[0]}/${object.kind}/${object.metadata?.name}`;
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
