import { formatSplit } from '@movies/mesh/split-format';
import { useEffect } from 'react';
import { useMainContent } from '../../../lib/backend-version-store';
import { createStore, useStore } from '../../../lib/create-store';
import { getMeshStatus, type MeshStatus } from '../../../lib/mesh-status';
import { usePremiumUser } from '../../../lib/premium-store';

/**
 * Whether premium routing is in effect. Locally the gateway's routing table says it (a rule on x-user-type);
 * on a cluster (no /__mesh) only the answers can: a premium request answered by another version than the
 * header-routing overlay's (k8s/components/header-routing sends premium users to v2) shows it is off.
 */
export type PremiumRouting =
  | { state: 'unchecked' }
  | { state: 'on'; subset: string | null; source: string | null }
  | { state: 'off'; source: string | null; split: string; answeredBy: string | null }
  | { state: 'unknown'; answeredBy: string | null };

/** The version header-routing sends premium users to, when the routing table cannot be read. */
export const premiumSubset = 'v2';

// undefined: not asked yet; null: no /__mesh here.
export const meshStore = createStore<MeshStatus | null | undefined>(undefined);

/** Reads /__mesh while premium is on, again whenever the page's content is served anew. */
export function usePremiumRoutingProbe(): void {
  const premium = usePremiumUser();
  const main = useMainContent();
  const servedAt = main?.status === 'served' ? main.at : 0;
  // biome-ignore lint/correctness/useExhaustiveDependencies: each new answer is a reason to look again.
  useEffect(() => {
    if (!premium) return;
    const controller = new AbortController();
    void getMeshStatus(controller.signal).then((status) => {
      if (!controller.signal.aborted) meshStore.set(status);
    });
    return () => controller.abort();
  }, [premium, servedAt]);
}

export function usePremiumRouting(): PremiumRouting {
  const mesh = useStore(meshStore);
  const main = useMainContent();
  const answeredBy = main?.status === 'served' && main.premium ? main.version : null;
  if (mesh === undefined) return { state: 'unchecked' };
  if (mesh === null) return { state: 'unknown', answeredBy };
  if (mesh.premiumRoute) return { state: 'on', subset: mesh.premiumRoute.subset, source: mesh.source };
  const split = formatSplit(mesh.weights);
  return { state: 'off', source: mesh.source, split, answeredBy };
}
