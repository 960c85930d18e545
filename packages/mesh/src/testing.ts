/** Test support shared by the mesh and analyzer suites (imported as '@movies/mesh/testing'). */
import { loadOverlay, parseManifests, renderOverlay, requireKubectl } from './overlays.js';

/**
 * Every runnable variant in k8s/overlays/, written out by hand (splits first, then scenarios by name): the suites
 * compare what they find on disk and render with this list, so an overlay added or lost fails a test.
 */
export const EXPECTED_OVERLAYS = [
  '100-0',
  '80-20',
  '50-50',
  '0-100',
  'fault-injection',
  'gateway-api',
  'header-routing',
  'mirroring',
  'mtls-strict',
] as const;

/** Memoised real `kubectl kustomize` renders: several test files read the same overlays. */
const renders = new Map<string, Promise<Array<Record<string, unknown>>>>();

export function renderedObjects(overlay: string): Promise<Array<Record<string, unknown>>> {
  let pending = renders.get(overlay);
  if (!pending) {
    pending = renderOverlay(overlay, { kubectl: requireKubectl() }).then(({ yaml }) =>
      parseManifests(yaml, `k8s/overlays/${overlay}`),
    );
    renders.set(overlay, pending);
  }
  return pending.then((objects) => structuredClone(objects));
}

export { loadOverlay };

export function findObject(
  objects: ReadonlyArray<Record<string, unknown>>,
  kind: string,
  name: string,
): Record<string, unknown> {
  const found = objects.find(
    (object) => object.kind === kind && (object.metadata as { name?: string } | undefined)?.name === name,
  );
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
}
