/**
 * A requested split, checked and applied: which weights are valid, and how to set them on the rule a plain /api/
 * request takes — with the sticky pin rules brought in line (./sticky-sessions.ts).
 */
import { WeightsError } from './errors.js';
import { destinationLike, reconcilePins } from './sticky-sessions.js';
import {
  matchRequest,
  plainApiRequest,
  type RequestInfo,
  type RouteDestination,
  type VirtualService,
} from './virtual-service.js';

/**
 * Validates a requested split: whole numbers from 0 to 100 that sum to 100, over known subsets.
 * Returns the weights in the order given.
 */
export function validateWeights(
  weights: Record<string, number>,
  knownSubsets?: readonly string[],
): Record<string, number> {
  const entries = Object.entries(weights);
  if (entries.length === 0) throw new WeightsError('no weights given');
  for (const [subset, weight] of entries) {
    if (knownSubsets && !knownSubsets.includes(subset)) {
      throw new WeightsError(`unknown subset "${subset}" (known: ${knownSubsets.join(', ')})`);
    }
    if (!Number.isInteger(weight) || weight < 0 || weight > 100) {
      throw new WeightsError(`weight for ${subset} must be a whole number from 0 to 100, got ${weight}`);
    }
  }
  const sum = entries.reduce((total, [, weight]) => total + weight, 0);
  if (sum !== 100)
    throw new WeightsError(`weights must sum to 100, got ${sum} (${entries.map(([, w]) => w).join(' + ')})`);
  return weights;
}

/**
 * Returns copies of the VirtualServices with new weights on the rule a plain /api/ request takes (the default
 * split). Every destination the rule has stays, in its place: a subset not named gets weight 0, so a later split
 * can bring it back; a named subset the rule lacks is added after the others. Rules pinned to one version (header
 * routing's premium rule) keep their destination; sticky pin rules follow the new weights.
 */
export function withWeights(
  virtualServices: readonly VirtualService[],
  weights: Record<string, number>,
  request: RequestInfo = plainApiRequest,
): VirtualService[] {
  const decision = matchRequest(virtualServices, request);
  if (!decision) throw new WeightsError(`no VirtualService rule routes ${request.path}`);
  const { rule } = decision;
  const weightOf = (subset: string | undefined) =>
    subset !== undefined && Object.hasOwn(weights, subset) ? (weights[subset] as number) : 0;
  const route: RouteDestination[] = rule.route.map((d) => ({ ...d, weight: weightOf(d.destination.subset) }));
  const template = rule.route[0] as RouteDestination;
  for (const [subset, weight] of Object.entries(weights)) {
    if (!route.some((d) => d.destination.subset === subset))
      route.push(destinationLike(template, subset, weight));
  }
  return virtualServices.map((virtualService) => {
    if (virtualService !== decision.virtualService) return virtualService;
    const http = virtualService.spec.http.map((r, index) =>
      index === decision.ruleIndex ? { ...r, route } : r,
    );
    return {
      ...virtualService,
      spec: { ...virtualService.spec, http: reconcilePins(http, decision.ruleIndex).http },
    };
  });
}
